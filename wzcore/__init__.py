"""wzcore: the library behind *wz-companion*, the executable companion to the review
"Distributed Compression in the Era of Machine Learning" (Özyılkan & Erkip).

Layers (an arrow only points down, see DESIGN.md):
``sources, bounds`` <- ``coding, quantization, slepian_wolf`` <- ``ntc, binning, one_shot, image``
<- ``training``; ``profiles, results, plotting`` are leaves.
"""

__version__ = "0.1.0"
