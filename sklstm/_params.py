"""Parameters declared once: name, default, constraints and documentation in one place.

Every estimator of sklstm (and every sktime adapter) gets its ``__init__``, its
``_parameter_constraints`` and the "Parameters" section of its docstring from a
:class:`ParamSet`, the way skorch and scikit-learn share parameter documentation. A parameter
common to several estimators is written here once; a class that changes a default (the GRU
forecaster's ``cell="gru"``) declares that default with :meth:`ParamSet.replace`, and the
signature, the constraints and the docstring all follow.

The generated ``__init__`` is an ordinary function with an explicit signature (built as
:mod:`dataclasses` builds one), so scikit-learn's ``get_params``, ``clone`` and the estimator
checks, sktime's ``BaseObject`` and Sphinx see exactly what a hand-written one shows them.
"""

import inspect
import textwrap
from numbers import Integral

from sklearn.utils._param_validation import Interval

__all__ = ["IntInterval", "Param", "ParamSet", "declare"]


class IntInterval(Interval):
    """scikit-learn's ``Interval(Integral, ...)`` without booleans: ``True`` is an ``int`` to
    Python, but ``hidden_size=True`` or ``window_length=False`` is a mistake, not 1 or 0."""

    def __init__(self, left, right, *, closed):
        super().__init__(Integral, left, right, closed=closed)

    def is_satisfied_by(self, val):
        return not isinstance(val, bool) and super().is_satisfied_by(val)


class Param:
    """One parameter: its name, default, scikit-learn constraints and numpydoc entry.

    Parameters
    ----------
    name : str
    default : object
        Must be immutable (None, numbers, strings, tuples): it is shared by every instance.
    constraints : list
        As in scikit-learn's ``_parameter_constraints`` (e.g. ``[Interval(...), None]``).
    type : str
        The numpydoc type description, e.g. ``"int"`` or ``'{"lstm", "gru"}'``.
    doc : str
        The description (one paragraph or more, unindented).
    """

    __slots__ = ("name", "default", "constraints", "type", "doc")

    def __init__(self, name, default, constraints, type, doc):
        self.name = name
        self.default = default
        self.constraints = list(constraints)
        self.type = type
        # cleandoc: a description starts on the line of its opening quotes, unindented.
        self.doc = inspect.cleandoc(doc)

    def replace(self, **changes):
        """A copy with some fields changed; ``note=`` appends a sentence to the doc."""
        note = changes.pop("note", None)
        fields = {key: getattr(self, key) for key in self.__slots__}
        fields.update(changes)
        if note:
            fields["doc"] = f"{fields['doc']}\n{inspect.cleandoc(note)}"
        return Param(**fields)

    def docstring(self):
        """The numpydoc entry, indented as in a class docstring."""
        body = textwrap.indent(self.doc, " " * 8)
        return f"    {self.name} : {self.type}, default={self.default!r}\n{body}\n"

    def __repr__(self):
        return f"Param({self.name!r}, default={self.default!r})"


class ParamSet:
    """An ordered collection of :class:`Param`; sets concatenate with ``+``."""

    def __init__(self, *params):
        self._params = {}
        for param in params:
            if param.name in self._params:
                raise ValueError(f"parameter {param.name!r} is declared twice")
            self._params[param.name] = param

    def __add__(self, other):
        return ParamSet(*self, *other)

    def __iter__(self):
        return iter(self._params.values())

    def __getitem__(self, name):
        return self._params[name]

    def __contains__(self, name):
        return name in self._params

    @property
    def names(self):
        return tuple(self._params)

    def replace(self, name, **changes):
        """The same set with one parameter changed (see :meth:`Param.replace`)."""
        if name not in self._params:
            raise KeyError(f"no parameter {name!r} to replace")
        return ParamSet(*(p.replace(**changes) if p.name == name else p for p in self))

    def without(self, *names):
        missing = set(names) - set(self._params)
        if missing:
            raise KeyError(f"no parameter(s) {sorted(missing)} to leave out")
        return ParamSet(*(p for p in self if p.name not in names))

    def constraints(self):
        """``_parameter_constraints`` for scikit-learn's validation."""
        return {p.name: list(p.constraints) for p in self}

    def defaults(self):
        return {p.name: p.default for p in self}

    def doc_section(self):
        """The numpydoc "Parameters" section."""
        return "\n    Parameters\n    ----------\n" + "".join(p.docstring() for p in self)

    def make_init(self, qualname, *, keyword_only=True, after=None):
        """An ``__init__`` that stores every parameter untouched (scikit-learn's rule).

        ``after``: the name of a method called at the end (sktime's ``BaseObject`` needs its
        own ``__init__`` to run after the parameters are set).
        """
        star = "*, " if keyword_only else ""
        signature = ", ".join(f"{name}=_defaults[{name!r}]" for name in self.names)
        body = "".join(f"    self.{name} = {name}\n" for name in self.names)
        if after:
            body += f"    self.{after}()\n"
        source = f"def __init__(self, {star}{signature}):\n{body or '    pass'}"
        namespace = {}
        exec(source, {"_defaults": self.defaults()}, namespace)  # noqa: S102 - our own source
        init = namespace["__init__"]
        init.__qualname__ = f"{qualname}.__init__"
        return init


def declare(params, *, summary, sections="", keyword_only=True, after=None):
    """Class decorator: ``__init__``, ``_parameter_constraints`` and ``__doc__`` from ``params``.

    ``summary``: the docstring's text before "Parameters"; ``sections``: what follows it
    (Attributes, See Also, Examples), in numpydoc form.
    """

    def decorate(cls):
        cls._params = params
        cls.__init__ = params.make_init(cls.__qualname__, keyword_only=keyword_only, after=after)
        cls.__init__.__module__ = cls.__module__
        cls._parameter_constraints = params.constraints()
        cls.__doc__ = summary.rstrip() + "\n" + params.doc_section() + sections
        return cls

    return decorate
