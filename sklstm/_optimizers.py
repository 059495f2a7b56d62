"""The built-in optimizers, without torch's import of its compiler on first use.

torch wraps a few methods of every optimizer (``add_param_group``, which the constructor
calls, ``zero_grad``, ``step``, ``state_dict``, ``load_state_dict``) so that ``torch.compile``
does not trace into them; each wrapper imports ``torch._dynamo`` on its first call, about a
second on two cores in every fresh process (the command line, each worker of a search). The
classes here are torch's optimizers with those methods unwrapped: the arithmetic is torch's
own, step for step (tests/test_training.py compares them). sklstm never compiles an
optimizer (``compile=True`` compiles the module), so the wrappers had nothing to do here.
A torch optimizer class passed as ``optimizer=`` is used as given.
"""

import inspect

import torch

_DYNAMO_GUARDED = ("add_param_group", "zero_grad", "state_dict", "load_state_dict")


def _eager(cls):
    namespace = {name: inspect.unwrap(getattr(cls, name)) for name in _DYNAMO_GUARDED}
    raw_step = inspect.unwrap(cls.step)

    def step(self, closure=None):
        # What torch's wrapper does besides the import: no autograd through the update
        # (unless the optimizer was built differentiable).
        with torch.set_grad_enabled(self.defaults["differentiable"]):
            return raw_step(self, closure)

    step.__doc__ = raw_step.__doc__
    namespace.update(
        step=step,
        __module__=__name__,
        __qualname__=cls.__name__,
        __doc__=f"``torch.optim.{cls.__name__}`` without the first-use import of "
                "``torch._dynamo`` (see the module).",
    )
    return type(cls.__name__, (cls,), namespace)


Adam = _eager(torch.optim.Adam)
AdamW = _eager(torch.optim.AdamW)
SGD = _eager(torch.optim.SGD)
RMSprop = _eager(torch.optim.RMSprop)
