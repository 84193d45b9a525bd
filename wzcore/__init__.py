"""wzcore: the library behind *wz-companion*, the executable companion to the review
"Distributed Compression in the Era of Machine Learning" (Özyılkan & Erkip).

Layers, bottom up (an arrow only points down, see DESIGN.md §2):
``sources, bounds, rd`` <- ``coding, entropy_models, quantization, slepian_wolf`` <- ``swc_nq, ntc, binning,
one_shot, two_terminal, image``. ``validate``, ``training``, ``profiles``, ``results`` and ``plotting`` are
leaves that any module may use; ``book`` and ``cli`` run the chapters (papermill, staging, adopting executed
notebooks). Each algorithm lives in exactly one module; no module keeps a private copy of another's.
"""

__version__ = "0.1.0"
