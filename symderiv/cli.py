"""The `symderiv` command line (contract: DESIGN.md).

Each subcommand is a function `cmd_NAME(args) -> exit code`, registered in `build_parser`.
User errors (SymderivError) print one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from symderiv.errors import SymderivError


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line with exit code 2."""

    def error(self, message):
        raise SymderivError(message)


def _catalog(args):
    from symderiv.catalog import load_catalog

    return load_catalog(getattr(args, "spec", None))


def cmd_list(args) -> int:
    from symderiv.catalog import KINDS

    catalog = _catalog(args)
    for kind in KINDS:
        entries = catalog.of_kind(kind)
        print(f"{kind.replace('loss', 'losse')}s ({len(entries)}):")
        for e in entries:
            print(f"  {e.name:34s} {e.description}")
    docs = _documents()
    if docs:
        print(f"derivation documents ({len(docs)}):")
        for name, title in docs:
            print(f"  {name:34s} {title}")
    return 0


def _documents():
    """(name, title) of the derivation documents."""
    from symderiv.derivations import list_documents

    return list_documents()


def cmd_show(args) -> int:
    from symderiv.show import describe

    entry = _catalog(args).get(args.name)
    print(describe(entry, latex=args.latex, numpy=args.numpy))
    return 0


def _progress(i, n, claim):
    if sys.stderr.isatty() or i % 50 == 0:
        print(f"\r[{i + 1}/{n}] {claim.id[:60]:60s}", end="" if sys.stderr.isatty() else "\n",
              file=sys.stderr, flush=True)


def _run_claims(args):
    from symderiv.verify.registry import run_all

    results = run_all(_catalog(args), progress=_progress)
    if sys.stderr.isatty():
        print("\r" + " " * 72 + "\r", end="", file=sys.stderr)
    return results


def cmd_check(args) -> int:
    results = _run_claims(args)
    width = max(len(r.claim.id) for r in results)
    print(f"{'claim':{width}s}  {'status':9s} {'expected':8s} ok")
    for r in results:
        print(f"{r.claim.id:{width}s}  {r.status:9s} {str(r.claim.expected).lower():8s} {'yes' if r.passed else 'NO'}")
    bad = [r for r in results if not r.passed]
    counts = {s: sum(r.status == s for r in results) for s in ("verified", "refuted", "failed")}
    print(f"{len(results)} claims: {counts['verified']} verified, {counts['refuted']} refuted, "
          f"{counts['failed']} failed; {len(bad)} not as expected")
    for r in bad:
        print(f"NOT AS EXPECTED: {r.claim.id}: {r.status} {r.evidence}", file=sys.stderr)
    return 1 if bad else 0


def cmd_build(args) -> int:
    from symderiv.build import BuildContext, check_out, render, stale, write_all

    if not args.out.strip():
        raise SymderivError("--out is empty; give a folder")
    out = Path(args.out)
    if not args.check:
        check_out(out)
    results = _run_claims(args)
    files = render(BuildContext(_catalog(args), tuple(results)))
    bad = [r for r in results if not r.passed]
    if args.check:
        old = stale(files, out)
        for p in old:
            print(f"stale: {out / p}", file=sys.stderr)
        if old:
            print(f"{len(old)} generated file(s) differ from a fresh build; run `symderiv build`", file=sys.stderr)
        return 1 if old or bad else 0
    if bad:
        for r in bad:
            print(f"claim not as expected: {r.claim.id} ({r.status})", file=sys.stderr)
        print(f"{len(bad)} claim(s) failed; nothing written", file=sys.stderr)
        return 1
    changed = write_all(files, out, force=args.force)
    print(f"{len(files)} files in {out}, {len(changed)} changed; {len(results)} claims checked")
    return 0


def cmd_backprop(args) -> int:
    from symderiv.build import REGENERATE
    from symderiv.calculus.backprop import scalar_chain
    from symderiv.emit.backprop_code import chain_latex, chain_module, chain_text

    chain = scalar_chain(args.depth, args.activation, catalog=_catalog(args))
    if args.numpy:
        how = f"symderiv backprop --depth {args.depth} --activation {args.activation} --numpy"
        print(chain_module(chain, _provenance().replace(f"`{REGENERATE}`", f"`{how}`")), end="")
    else:
        print((chain_latex if args.latex else chain_text)(chain), end="")
    return 0


def cmd_notes(args) -> int:
    from symderiv.build import BuildContext, render
    from symderiv.notes import compile_all, require_tex, write_sources

    require_tex()
    out = Path(args.out)
    results = _run_claims(args)
    names = write_sources(render(BuildContext(_catalog(args), tuple(results))), out)
    bad = 0
    for doc in compile_all(out, names):
        print(f"{doc.pdf}: {doc.pages} pages" if doc.ok else f"{doc.name}: FAILED (latexmk exit {doc.returncode})")
        for line in doc.problems:
            print(f"  {doc.name}.log: {line}", file=sys.stderr)
        bad += not doc.ok
    if bad:
        print(f"{bad} of {len(names)} document(s) did not compile cleanly; see the logs in {out}", file=sys.stderr)
    return 1 if bad else 0


def _provenance():
    from symderiv.build import BuildContext

    return BuildContext(None, ()).provenance()


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="symderiv", description="Derive, verify and emit neural-network mathematics.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    s = sub.add_parser("list", help="the catalog and the derivation documents")
    s.set_defaults(func=cmd_list, spec=None)

    s = sub.add_parser("show", help="definition, parameters, derivative, kink values")
    s.add_argument("name")
    fmt = s.add_mutually_exclusive_group()
    fmt.add_argument("--latex", action="store_true", help="print LaTeX")
    fmt.add_argument("--numpy", action="store_true", help="print NumPy code")
    s.add_argument("--spec", help="TOML file of user-defined functions")
    s.set_defaults(func=cmd_show)

    s = sub.add_parser("check", help="run every claim; exit 1 if any is not as expected")
    s.add_argument("--spec", help="TOML file of user-defined functions")
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("build", help="derive, verify and emit into DIR")
    s.add_argument("--out", default="generated", help="output folder (default: generated)")
    s.add_argument("--check", action="store_true", help="exit 1 naming files that differ from a fresh build")
    s.add_argument("--force", action="store_true", help="overwrite generated files edited by hand")
    s.add_argument("--spec", help="TOML file of user-defined functions")
    s.set_defaults(func=cmd_build)

    s = sub.add_parser("backprop", help="derived gradients of the scalar chain a_l = f(w_l a_(l-1) + b_l)")
    s.add_argument("--depth", type=int, required=True, help="number of layers L >= 1")
    s.add_argument("--activation", required=True, help="a scalar activation of the catalog")
    fmt = s.add_mutually_exclusive_group()
    fmt.add_argument("--latex", action="store_true", help="print LaTeX")
    fmt.add_argument("--numpy", action="store_true", help="print a NumPy module with loss_and_gradients(x, t, w, b)")
    s.set_defaults(func=cmd_backprop, spec=None)

    s = sub.add_parser("notes", help="compile the LaTeX documents to PDF with latexmk")
    s.add_argument("--out", default="notes", help="output folder for the PDFs (default: notes)")
    s.set_defaults(func=cmd_notes, spec=None)
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
