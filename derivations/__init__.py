"""The repository's lecture documents, one file each (NN_name.py); installed as `symderiv.lectures`,
the lecture set `symderiv build` builds outside any project."""
