"""What a fresh process pays before and during its first fit (issue: speed a user feels).

    python benchmarks/coldstart.py [--repeats 5] [--tour]

Each figure is the median wall time of ``--repeats`` fresh interpreters, run one after the
other (nothing else should run: torch's threads spin when another process competes):

- ``import torch``, ``import sklstm``;
- a tiny fit (200 windows of 10 steps, 2 epochs) and one prediction, import included, with
  the built-in "adam" (torch's Adam without its first-use import of ``torch._dynamo``) and
  with ``optimizer=torch.optim.Adam`` (torch's class as given: the baseline, same process
  shape, same run);
- ``--tour``: ``python -m sklstm`` (the embedded tour) once.
"""

import argparse
import statistics
import subprocess
import sys
import time

TINY_FIT = """
import numpy as np{extra_import}
from sklstm import LSTMForecaster, make_sequences
X, y = make_sequences(np.sin(np.arange(210) / 5.0), window_length=10)
model = LSTMForecaster(hidden_size=16, max_epochs=2, random_state=0{extra_param}).fit(X, y)
model.predict(X[-1:])
"""

SNIPPETS = {
    "import torch": "import torch",
    "import sklstm": "import sklstm",
    "tiny fit, built-in adam (default)": TINY_FIT.format(extra_import="", extra_param=""),
    "tiny fit, optimizer=torch.optim.Adam": TINY_FIT.format(
        extra_import="\nimport torch", extra_param=", optimizer=torch.optim.Adam"),
}


def wall(argv):
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--tour", action="store_true")
    args = parser.parse_args(argv)
    wall([sys.executable, "-c", "import sklstm"])  # warm the file cache once
    rows = []
    for name, code in SNIPPETS.items():
        times = [wall([sys.executable, "-c", code]) for _ in range(args.repeats)]
        rows.append((name, statistics.median(times), min(times)))
    if args.tour:
        t = wall([sys.executable, "-m", "sklstm"])
        rows.append(("python -m sklstm (the tour)", t, t))
    print(f"| fresh process ({args.repeats} runs) | median s | best s |")
    print("| --- | ---: | ---: |")
    for name, median, best in rows:
        print(f"| {name} | {median:.2f} | {best:.2f} |")


if __name__ == "__main__":
    main()
