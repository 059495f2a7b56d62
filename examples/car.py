"""Which car passed the pinhole camera? A toy sequence classifier (Heaton, T81-558 class 10.2).
============================================================================================

A camera sees one pixel of the street: 0 while nothing passes, the car's colour code (1, 2 or
3) while a car goes by. The course trains an LSTM on six such sequences; here
SequenceClassifier learns from generated cars at any position and of any length, and is
checked on the course's own six sequences and on new cars it has never seen::

    python examples/car.py [--plot [car.png]]
"""

import argparse

import numpy as np

from sklstm import SequenceClassifier
from sklstm.datasets import load_car_colors, make_car_sequences

NEW_CARS = {
    "colour 1, last step only": [0, 0, 0, 0, 0, 1],
    "colour 2, first step only": [2, 0, 0, 0, 0, 0],
    "colour 3, long car (4 steps)": [0, 3, 3, 3, 3, 0],
    "colour 2, very long car (5 steps)": [0, 2, 2, 2, 2, 2],
}


def train(n_samples=600, seq_len=6, max_epochs=60, random_state=0):
    X, y = make_car_sequences(n_samples=n_samples, seq_len=seq_len, random_state=random_state)
    clf = SequenceClassifier(hidden_size=32, lr=0.01, max_epochs=max_epochs,
                             random_state=random_state)
    return clf.fit(X, y)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--n-samples", type=int, default=600)
    parser.add_argument("--max-epochs", type=int, default=60)
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--plot", nargs="?", const="", default=None, metavar="PATH",
                        help="draw the training history; with PATH, also write it as a PNG")
    args = parser.parse_args(argv)

    clf = train(args.n_samples, max_epochs=args.max_epochs, random_state=args.random_state)
    X_toy, y_toy = load_car_colors()
    X_new, y_new = make_car_sequences(n_samples=1000, seq_len=6,
                                      random_state=args.random_state + 1)
    print("| data | accuracy |\n|---|---|")
    print(f"| the course's 6 toy sequences | {clf.score(X_toy, y_toy):.1%} |")
    print(f"| 1,000 generated cars, other positions and lengths | {clf.score(X_new, y_new):.1%} |")
    print("\n| new sequence | seen | predicted colour | probability |\n|---|---|---|---|")
    X = np.array(list(NEW_CARS.values()), dtype=np.float32)[:, :, np.newaxis]
    proba = clf.predict_proba(X)
    for (name, seq), p in zip(NEW_CARS.items(), proba):
        print(f"| {name} | {seq} | {clf.classes_[p.argmax()]} | {p.max():.3f} |")
    if args.plot is not None:
        from sklstm.plotting import plot_training_history

        ax = plot_training_history(clf)
        ax.set_title("SequenceClassifier on generated cars: loss per epoch")
        if args.plot:
            ax.figure.savefig(args.plot, dpi=100, bbox_inches="tight")
            print(f"\nplot written to {args.plot}")


if __name__ == "__main__":
    main()
