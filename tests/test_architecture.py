"""The structure of the package: registries, parameters declared once, no import cycle.

These tests catch what a newcomer could forget when adding a cell type, a scaling or a loss
(docs/developers.md): each registry entry is walked through fit, save, load and ONNX export.
"""

import ast
import inspect
import pathlib

import numpy as np
import pytest

import sklstm
from sklstm import GRUForecaster, LSTMForecaster, SequenceClassifier
from sklstm._components import LOSSES, OPTIMIZERS
from sklstm._estimators import ESTIMATORS
from sklstm._heads import HEADS
from sklstm._modules import CELLS
from sklstm._scaling import SCALINGS, Scaling, scaling_choices

PACKAGE = pathlib.Path(sklstm.__file__).parent
# A module longer than this states why at its top (docs/developers.md).
MAX_LINES = 400
LONG_MODULE_MARK = "Why this module is long:"


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def _imports(name, path):
    """Every sklstm module ``name`` imports, at module level or inside a function."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "sklstm"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.split(".")[0] != "sklstm":
                continue
            for alias in node.names:
                # "from . import forecasting" imports a module; "from . import __version__"
                # (a name) imports the package itself.
                folder = PACKAGE.parent / module.replace(".", "/") / alias.name
                if folder.with_suffix(".py").exists() or (folder / "__init__.py").exists():
                    found.add(f"{module}.{alias.name}")
                else:
                    found.add(module)
    return found


def test_no_import_cycle_between_the_modules_of_sklstm():
    graph = {name: _imports(name, path) for name, path in _modules()}
    # A package's __init__ re-exports its modules; a module that imports its own package
    # root (or any package above it) closes a cycle through it.
    cycles = []

    def visit(node, stack):
        if node in stack:
            cycles.append(stack[stack.index(node):] + [node])
            return
        if node in done:
            return
        for target in graph.get(node, ()):
            visit(target, stack + [node])
        done.add(node)

    done = set()
    for module in graph:
        visit(module, [])
    assert not cycles, f"import cycles: {cycles[:3]}"


def test_the_import_graph_sees_lazy_imports():
    # The test above must see imports inside functions (the old _base -> persistence one).
    base = dict(_modules())["sklstm._base"]
    assert "sklstm.persistence" in _imports("sklstm._base", base)


def test_long_modules_say_why_at_their_top():
    unexplained = []
    for name, path in _modules():
        text = path.read_text()
        if text.count("\n") > MAX_LINES and LONG_MODULE_MARK not in (ast.get_docstring(
                ast.parse(text)) or ""):
            unexplained.append((name, text.count("\n")))
    assert not unexplained, unexplained


def test_no_hand_written_parameter_list_in_the_package():
    # Parameters are declared once (sklstm._params): an estimator or transformer (a class
    # with fit or _fit) that writes out a long __init__ copies a parameter list. (The torch
    # modules' __init__ take what _module_params builds, not user parameters.)
    long_inits = []
    for name, path in _modules():
        for cls in ast.walk(ast.parse(path.read_text())):
            if not isinstance(cls, ast.ClassDef):
                continue
            methods = {n.name: n for n in cls.body if isinstance(n, ast.FunctionDef)}
            init = methods.get("__init__")
            if init is None or not ({"fit", "_fit"} & set(methods)):
                continue
            n_args = len(init.args.args) + len(init.args.kwonlyargs)
            if n_args > 8:
                long_inits.append((name, cls.name, n_args))
    assert not long_inits, long_inits


@pytest.mark.parametrize("name", sorted(ESTIMATORS))
def test_every_estimator_declares_its_parameters_once_and_documents_each(name):
    cls = ESTIMATORS[name]
    signature = inspect.signature(cls.__init__)
    assert tuple(signature.parameters)[1:] == cls._params.names
    assert set(cls._parameter_constraints) == set(cls._params.names)
    for param in cls._params:
        assert signature.parameters[param.name].default == param.default
        # Documented exactly once, with the default the signature has.
        assert cls.__doc__.count(f"\n    {param.name} : ") == 1, param.name
        assert f"default={param.default!r}" in cls.__doc__


@pytest.mark.parametrize("name", sorted(ESTIMATORS))
def test_generated_parameter_documentation_is_indented_as_numpydoc_wants(name):
    # A description written on the line of its opening quotes must still be dedented, or
    # docutils sees a block quote inside the parameter ("Unexpected indentation").
    section = ESTIMATORS[name].__doc__.split("Parameters\n    ----------\n")[1]
    section = section.split("\n\n")[0]
    assert all(len(line) - len(line.lstrip()) in (4, 8) for line in section.splitlines())


def test_gru_classes_differ_from_the_lstm_classes_by_the_declared_default_only():
    import sklstm.sktime as adapters

    for lstm, gru in [(LSTMForecaster, GRUForecaster),
                      (adapters.LSTMForecaster, adapters.GRUForecaster)]:
        lstm_params, gru_params = lstm().get_params(), gru().get_params()
        assert gru_params.pop("cell") == "gru" and lstm_params.pop("cell") == "lstm"
        assert gru_params == lstm_params


def test_the_sktime_adapters_pass_every_core_parameter_through():
    import sklstm.sktime as adapters

    core = set(LSTMForecaster._params.names) - {"warm_start"}
    assert core <= set(adapters.LSTMForecaster._params.names)
    assert set(SequenceClassifier._params.names) - {"warm_start"} == set(
        adapters.SequenceClassifier._params.names)


def test_registries_are_what_the_parameters_accept():
    assert LSTMForecaster._parameter_constraints["cell"][0].options == set(CELLS)
    assert LSTMForecaster._parameter_constraints["criterion"][0].options == set(LOSSES) | set(
        HEADS)
    assert SequenceClassifier._parameter_constraints["optimizer"][0].options == set(OPTIMIZERS)
    assert LSTMForecaster._parameter_constraints["scaling"][0].options == {
        "auto", *scaling_choices("forecaster")}
    assert SequenceClassifier._parameter_constraints["scaling"][0].options == {
        "auto", *scaling_choices("classifier")}


def _windows(n=160, n_features=1, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n + 8)
    series = 5 + np.sin(t / 3)[:, None] + 0.1 * rng.normal(size=(n + 8, n_features))
    X = np.stack([series[i : i + 8] for i in range(n)])
    return X, series[8 : n + 8, 0]


def _sequences(n=60, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 12, 2)) * np.logspace(-1, 1, n)[:, None, None]
    y = np.where(X[:, :6, 0].mean(axis=1) > X[:, 6:, 0].mean(axis=1), "a", "b")
    return X, y


def _fit_small(estimator_name, params):
    """A small fit; ``params["windows"]``: make_sequences options (the windows select the
    scaling, e.g. the series state), the other params the estimator's."""
    cls = ESTIMATORS[estimator_name]
    small = dict(hidden_size=4, max_epochs=2, random_state=0)
    params = dict(params)
    windows = params.pop("windows", None)
    if cls is SequenceClassifier:
        small["conv_filters"] = (4, 4)
        X, y = _sequences()
    elif windows is not None:
        series, _ = _windows()
        X, y = sklstm.make_sequences(series[:, 0], window_length=8, horizon=3, **windows)
    else:
        X, y = _windows()
    return cls(**small, **params).fit(X, y), X


def _roundtrip_and_export(model, X, tmp_path):
    """save -> load predicts the same; the ONNX graph matches predict (or predict_proba)."""
    onnxruntime = pytest.importorskip("onnxruntime")
    path = tmp_path / "model.sklstm"
    model.save(path)
    loaded = sklstm.load(path)
    method = "predict_proba" if hasattr(model, "predict_proba") else "predict"
    expected = getattr(model, method)(X)
    np.testing.assert_array_equal(getattr(loaded, method)(X), expected)
    onnx_path = tmp_path / "model.onnx"
    loaded.to_onnx(onnx_path)
    session = onnxruntime.InferenceSession(str(onnx_path))
    served = session.run(None, {"X": np.asarray(X, dtype=np.float32)})[0]
    np.testing.assert_allclose(served.reshape(expected.shape), expected, rtol=2e-4, atol=2e-5)


@pytest.mark.parametrize("kind", sorted(SCALINGS))
def test_every_registered_scaling_survives_fit_save_load_and_onnx(kind, tmp_path):
    cls = SCALINGS[kind]
    assert issubclass(cls, Scaling) and cls.examples, (
        f"scaling {kind!r} names no estimator settings that use it (Scaling.examples)")
    for estimator_name, params in cls.examples:
        model, X = _fit_small(estimator_name, params)
        used = [model.scaling_] + [getattr(model.scaling_, "inner", None)]
        assert any(type(s) is cls for s in used), (kind, params, type(model.scaling_))
        _roundtrip_and_export(model, X, tmp_path)


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_every_registered_cell_survives_fit_save_load_and_onnx(cell, tmp_path):
    model, X = _fit_small("LSTMForecaster", {"cell": cell, "architecture": "seq2seq"})
    assert isinstance(model.net_.module_.encoder, CELLS[cell])
    _roundtrip_and_export(model, X, tmp_path)
    clf, X_seq = _fit_small("SequenceClassifier", {"cell": cell, "scaling": "global"})
    _roundtrip_and_export(clf, X_seq, tmp_path)


@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_every_registered_loss_trains_and_is_saved_by_name(loss, tmp_path):
    model, X = _fit_small("LSTMForecaster", {"criterion": loss})
    assert isinstance(model.net_.criterion_, LOSSES[loss])
    assert np.isfinite(model.history_["train_loss"]).all()
    path = tmp_path / "model.sklstm"
    model.save(path)
    assert sklstm.load(path).criterion == loss
