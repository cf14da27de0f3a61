"""The models a repository knows, by id and version; each assessment names the one it is assessed against.

The registry holds the package's model files (``models/*.yml``), the site's own (``model`` — the default
— and ``models`` in mkdocs.yml). An assessment's ``model:`` is ``ID`` (the version of that id in force)
or ``ID@VERSION``; without it the default applies, so data written before models had versions keeps
its meaning. No code names a domain or a requirement of any model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from maturity.data.model import Model, default_model_path, load_model
from maturity.diagnostics import Diagnostic

BUILT_IN = ("t-zxgjxh-002-2023.yml", "zxqy-003-pingjia.yml")  # the package's model files, in the order listed


@dataclass
class Registry:
    default: Model | None
    models: dict[str, Model] = field(default_factory=dict)  # by key: "ID@VERSION"
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def resolve(self, ref: str | None) -> Model | None:
        """The model an assessment names (None: not known); no reference: the default."""
        if ref is None:
            return self.default
        if "@" in ref:
            return self.models.get(ref)
        versions = [m for m in self.models.values() if m.id == ref]
        in_force = [m for m in versions if m.status == "in_force"]
        chosen = in_force or versions
        return chosen[-1] if len(chosen) >= 1 else None

    def listed(self) -> list[Model]:
        return sorted(self.models.values(), key=lambda m: (m.id, m.version))


def built_in_files() -> list[Path]:
    folder = resources.files("maturity").joinpath("models")
    return [Path(str(folder.joinpath(name))) for name in BUILT_IN if folder.joinpath(name).is_file()]


def load_registry(default_file: Path | None, extra_files: tuple[Path, ...] = (), display=str) -> Registry:
    """Every model file known to the site; the default is ``default_file`` (else the built-in T/ZXGJXH 002—2023)."""
    default_path = Path(default_file) if default_file else default_model_path()
    # Shown as every other model file is (relative where it is under the display base): a model's source is part of
    # the build cache's keys, and an installation inside the checkout moves with it (docs/performance.md#relocatable).
    default, diags = load_model(default_path, display(default_path))
    built_in = {path.resolve() for path in built_in_files()}
    if default is not None:
        default.built_in = default_path.resolve() in built_in
    registry = Registry(default, diagnostics=list(diags))
    if default is not None:
        registry.models[default.key] = default
    seen = {default_path.resolve()}
    for path in [*built_in_files(), *[Path(p) for p in extra_files]]:
        if path.resolve() in seen:
            continue
        seen.add(path.resolve())
        model, found = load_model(path, display(path))
        registry.diagnostics.extend(found)
        if model is not None:
            model.built_in = path.resolve() in built_in
            registry.models.setdefault(model.key, model)
    return registry
