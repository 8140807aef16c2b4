"""gongkai-scoring: rules-driven scoring of government openness assessments (政务公开考核)."""

__version__ = "0.1.0"


def loaded_on_first_use(package: str, homes: dict[str, str]):
    """A package's module `__getattr__` (PEP 562): each name in `homes` is imported from its home module when
    first used, then kept as a plain attribute. A command needing one light module of a package then does
    not pay for the package's heavy ones (issue 17: every command's startup)."""
    import sys
    from importlib import import_module

    def __getattr__(name: str):
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(home), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
