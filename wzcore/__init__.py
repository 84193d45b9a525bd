"""wzcore: the library behind *wz-companion*, the executable companion to the review
"Distributed Compression in the Era of Machine Learning" (Özyılkan & Erkip).

Layers (an arrow only points down, see DESIGN.md):
``sources, bounds`` <- ``coding, quantization, slepian_wolf`` <- ``swc_nq`` (nested quantization +
Slepian–Wolf) <- ``ntc, binning, one_shot, image`` <- ``training``; ``profiles, results, plotting`` are
leaves; ``book`` and ``cli`` run the chapters (papermill, staging, adopting executed notebooks).
"""

__version__ = "0.1.0"
