"""Package `__init__`s that import nothing until a name is asked for (PEP 562): importing one leaf module of a
package then loads only what that module needs."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module


def lazy_exports(namespace: dict, modules: dict[str, str]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """A package's `__getattr__` and `__dir__`: `modules` maps each public name to the module that defines it;
    a name is imported on first use and kept in the package's `namespace` (its `globals()`)."""

    def __getattr__(name: str) -> object:
        if name not in modules:
            raise AttributeError(f"module {namespace['__name__']!r} has no attribute {name!r}")
        value = getattr(import_module(modules[name]), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(namespace.get("__all__", ())))

    return __getattr__, __dir__
