"""`python -m atlas_ld`: the same command as `atlas-ld`."""

from atlas_ld.cli import main

# Guarded: worker processes started with "spawn" import this module under another name.
if __name__ == "__main__":
    main()
