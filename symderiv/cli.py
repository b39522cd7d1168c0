"""The `symderiv` command line.

Each subcommand is a function `cmd_NAME(args) -> exit code`, registered in `build_parser`.
User errors (SymderivError) print one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from symderiv.errors import SymderivError

# One BLAS thread per process (set before NumPy loads OpenBLAS): the build runs a worker process per
# core, and BLAS threads on top of them only spin (the figures' small products took twice the CPU).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line with exit code 2."""

    def error(self, message):
        raise SymderivError(message)


def _catalog(args):
    from symderiv.catalog import load_catalog

    return load_catalog(getattr(args, "spec", None))


def _project(args):
    """The lecture project of the command (said on stderr when it is the bundled lecture set)."""
    from symderiv.build.project import find_project

    project = find_project(getattr(args, "project", None))
    if project.bundled and not getattr(args, "quiet", False):
        print(f"symderiv: no derivations/ folder here or above; using the bundled lecture set ({project.folder})",
              file=sys.stderr)
    return project


def _settings(args, project):
    from symderiv.build.cache import Cache
    from symderiv.build.pipeline import Settings
    from symderiv.build.progress import Progress

    folder = None if args.no_cache else Path(os.environ.get("SYMDERIV_CACHE_DIR") or project.cache_dir())
    return Settings(jobs=args.jobs, cache=Cache(folder), progress=Progress.for_terminal(args.quiet, args.verbose))


def cmd_init(args) -> int:
    from symderiv.build.project import FOLDER

    root = Path(args.dir)
    if (root / FOLDER).exists():
        raise SymderivError(f"{root / FOLDER} exists already; not overwritten")
    example = Path(__file__).parent / "build" / "example"
    try:
        (root / FOLDER).mkdir(parents=True)
        shutil.copy(example / "01_example.py", root / FOLDER / "01_example.py")
        shutil.copy(example / "README.md", root / "README.md")
        (root / ".gitignore").write_text(".symderiv-cache/\n/notes/\n/slides/\n", encoding="utf-8")
    except OSError as exc:
        raise SymderivError(f"cannot create the project in {root}: {exc.strerror or exc}") from None
    print(f"created {root}: {FOLDER}/01_example.py and README.md; build it with `cd {root} && symderiv build`")
    return 0


def cmd_list(args) -> int:
    from symderiv.build.project import list_documents
    from symderiv.catalog import KINDS

    catalog = _catalog(args)
    for kind in KINDS:
        entries = catalog.of_kind(kind)
        print(f"{kind.replace('loss', 'losse')}s ({len(entries)}):")
        for e in entries:
            print(f"  {e.name:34s} {e.description}")
    docs = list_documents(_project(args))
    print(f"lecture documents ({len(docs)}):")
    for name, title in docs:
        print(f"  {name:34s} {title}")
    return 0


def cmd_show(args) -> int:
    from symderiv.show import describe

    entry = _catalog(args).get(args.name)
    print(describe(entry, latex=args.latex, numpy=args.numpy))
    return 0


def cmd_check(args) -> int:
    from symderiv.build.pipeline import check

    project = _project(args)
    results = check(project, _catalog(args), _settings(args, project))
    width = max(len(r.claim.id) for r in results)
    if not args.quiet:
        print(f"{'claim':{width}s}  {'status':9s} {'expected':8s} ok")
        for r in results:
            print(f"{r.claim.id:{width}s}  {r.status:9s} {str(r.claim.expected).lower():8s} "
                  f"{'yes' if r.passed else 'NO'}")
    _summary(results)
    return 1 if any(not r.passed for r in results) else 0


def _summary(results) -> None:
    from symderiv.verify.claims import STATUSES

    bad = [r for r in results if not r.passed]
    counts = {s: sum(r.status == s for r in results) for s in STATUSES}
    print(f"{len(results)} claims: {counts['verified']} verified, {counts['refuted']} refuted, "
          f"{counts['conditional']} conditional, {counts['ambiguous']} ambiguous, "
          f"{counts['failed']} failed; {len(bad)} not as expected")
    for r in bad:
        print(f"NOT AS EXPECTED: {r.claim.id}: {r.status} {r.evidence}", file=sys.stderr)


def cmd_build(args) -> int:
    from symderiv.build import build, check_out, obsolete, stale, write_all

    if args.out is not None and not args.out.strip():
        raise SymderivError("--out is empty; give a folder")
    project = _project(args)
    out = project.output() if args.out is None else Path(args.out)
    if not args.check:
        check_out(out)
    result = build(project, _catalog(args), _settings(args, project))
    bad = [r for r in result.results if not r.passed]
    if args.check:
        old, gone = stale(result.files, out), obsolete(result.files, out)
        for p in old:
            print(f"stale: {out / p}", file=sys.stderr)
        for p in gone:
            print(f"obsolete: {out / p}", file=sys.stderr)
        if old or gone:
            print(f"{len(old)} generated file(s) differ from a fresh build, {len(gone)} obsolete (a build would "
                  f"not write them); run `symderiv build`", file=sys.stderr)
        for r in bad:
            print(f"claim not as expected: {r.claim.id} ({r.status})", file=sys.stderr)
        return 1 if old or gone or bad else 0
    if bad:
        for r in bad:
            print(f"claim not as expected: {r.claim.id} ({r.status})", file=sys.stderr)
        print(f"{len(bad)} claim(s) failed; nothing written", file=sys.stderr)
        return 1
    changed = write_all(result.files, out, force=args.force)
    if not args.quiet:
        removed = len(set(changed) - set(result.files))
        print(f"{len(result.files)} files in {out}, {len(changed) - removed} changed, {removed} obsolete removed; "
              f"{len(result.results)} claims checked")
    return 0


def cmd_backprop(args) -> int:
    from symderiv.build.pipeline import REGENERATE, provenance
    from symderiv.calculus.backprop import scalar_chain
    from symderiv.emit.backprop_code import chain_latex, chain_module, chain_text

    chain = scalar_chain(args.depth, args.activation, catalog=_catalog(args))
    if args.numpy:
        how = f"symderiv backprop --depth {args.depth} --activation {args.activation} --numpy"
        print(chain_module(chain, provenance().replace(f"`{REGENERATE}`", f"`{how}`")), end="")
    else:
        print((chain_latex if args.latex else chain_text)(chain), end="")
    return 0


def cmd_network(args) -> int:
    from symderiv.build.network_file import read_network
    from symderiv.build.pipeline import REGENERATE, provenance
    from symderiv.calculus.backprop import layered
    from symderiv.emit.network_code import description, network_latex, network_module

    lay = layered(read_network(args.spec_file, _catalog(args), args.name))
    if args.numpy:
        how = f"symderiv network {args.spec_file}{f' --name {args.name}' if args.name else ''} --numpy"
        print(network_module(lay, provenance().replace(f"`{REGENERATE}`", f"`{how}`"), description(lay)), end="")
    else:
        print(network_latex(lay), end="")
    return 0


def cmd_notes(args) -> int:
    return _compile(args, "notes")


def cmd_slides(args) -> int:
    return _compile(args, "slides")


def _compile(args, kind) -> int:
    """Build, then compile the notes or the decks of every document with XeLaTeX (exit 1 on a LaTeX problem)."""
    from symderiv.build import build
    from symderiv.build.notes import compile_sources, require_tex

    require_tex()
    project = _project(args)
    out = Path(args.out)
    result = build(project, _catalog(args), _settings(args, project))
    docs = compile_sources(result.files, out, kind, jobs=args.jobs, keep_aux=args.keep_aux)
    for doc in docs:
        print(f"{doc.pdf}: {doc.pages} pages" if doc.ok else f"{doc.name}: FAILED (XeLaTeX exit {doc.returncode})")
        for line in doc.problems:
            print(f"  {doc.name}.log: {line}", file=sys.stderr)
    bad = sum(not doc.ok for doc in docs)
    if bad:
        print(f"{bad} of {len(docs)} document(s) did not compile cleanly; see the logs in {out}", file=sys.stderr)
    return 1 if bad else 0


def _common(s, spec=True, project=True):
    """The options shared by the project commands."""
    if spec:
        s.add_argument("--spec", metavar="FILE.toml", help="TOML file of user-defined functions (default: none)")
    if project:
        s.add_argument("--project", metavar="DIR", help="the lecture project (default: the nearest folder upward "
                       "holding derivations/, else the bundled lecture set)")
        s.add_argument("--no-cache", action="store_true", help="neither read nor write the cache (default: cache "
                       "in .symderiv-cache/ of the project, or $SYMDERIV_CACHE_DIR)")
        s.add_argument("--jobs", type=_positive, default=len(os.sched_getaffinity(0)),
                       help="worker processes (default: %(default)s, the cores available)")
    s.add_argument("--quiet", action="store_true", help="no progress and no table, only errors and the summary")
    s.add_argument("--verbose", action="store_true", help="say what each stage ran and took (on stderr)")


def _positive(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return value


def _fmt(s):
    fmt = s.add_mutually_exclusive_group()
    fmt.add_argument("--latex", action="store_true", help="print LaTeX (default: plain text)")
    return fmt


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="symderiv", description="Derive, verify and emit neural-network mathematics.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    s = sub.add_parser("init", help="create a lecture project: derivations/ with an example, a README")
    s.add_argument("dir", metavar="DIR", help="the project folder (created if missing)")
    s.set_defaults(func=cmd_init)

    s = sub.add_parser("list", help="the catalog and the project's lecture documents")
    _common(s, project=False)
    s.add_argument("--project", metavar="DIR", help="the lecture project (default: nearest upward, else bundled)")
    s.set_defaults(func=cmd_list)

    s = sub.add_parser("show", help="definition, parameters, derivative, kink values")
    s.add_argument("name")
    _fmt(s).add_argument("--numpy", action="store_true", help="also print the NumPy kernel")
    s.add_argument("--spec", metavar="FILE.toml", help="TOML file of user-defined functions (default: none)")
    s.set_defaults(func=cmd_show)

    s = sub.add_parser("check", help="run every claim; exit 1 if any is not as expected")
    _common(s)
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("build", help="derive, verify and emit into DIR")
    s.add_argument("--out", metavar="DIR", help="output folder (default: generated/ of the project)")
    s.add_argument("--check", action="store_true", help="exit 1 naming files that differ from a fresh build")
    s.add_argument("--force", action="store_true", help="overwrite generated files edited by hand")
    _common(s)
    s.set_defaults(func=cmd_build)

    s = sub.add_parser("backprop", help="derived gradients of the scalar chain a_l = f(w_l a_(l-1) + b_l)")
    s.add_argument("--depth", type=_positive, required=True, help="number of layers L >= 1")
    s.add_argument("--activation", required=True, help="a scalar activation of the catalog")
    _fmt(s).add_argument("--numpy", action="store_true",
                         help="print a NumPy module with loss_and_gradients(x, t, w, b)")
    s.set_defaults(func=cmd_backprop, spec=None)

    s = sub.add_parser("network", help="derived gradients of a small network from a TOML spec ([network.NAME])")
    s.add_argument("spec_file", metavar="SPEC.toml", help="the network spec ([network.NAME] tables)")
    s.add_argument("--name", help="which [network.NAME] (default: the only one)")
    fmt = s.add_mutually_exclusive_group(required=True)
    fmt.add_argument("--numpy", action="store_true", help="print a NumPy module: forward, loss_and_grads")
    fmt.add_argument("--latex", action="store_true", help="print the derivation as LaTeX")
    s.add_argument("--spec", metavar="FILE.toml", help="TOML file of user-defined functions (default: none)")
    s.set_defaults(func=cmd_network)

    for kind, func, what in (("notes", cmd_notes, "compile the LaTeX documents to PDF with XeLaTeX"),
                             ("slides", cmd_slides, "compile a 16:9 Beamer deck per document with XeLaTeX")):
        s = sub.add_parser(kind, help=what)
        s.add_argument("--out", metavar="DIR", default=kind, help=f"output folder for the PDFs (default: {kind})")
        s.add_argument("--keep-aux", action="store_true", help="keep XeLaTeX's files (.aux, .log, .xdv, ...) beside "
                       "each PDF (default: removed once a document compiled cleanly; a failed one keeps them)")
        _common(s, spec=False)
        s.set_defaults(func=func, spec=None)
    return p


def main(argv=None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return args.func(args)
    except SymderivError as exc:
        print(f"symderiv: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("symderiv: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:   # output piped into e.g. `head`: stop quietly, like other Unix tools
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 141


if __name__ == "__main__":
    sys.exit(main())
