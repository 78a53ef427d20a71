"""The minimal recipe a user would script instead of `digits classify`: the reference for its throughput.

Usage: python minimal-recipe.py DIR     Prints the scans per second over DIR's PNG files, one thread.
Each scan: read as gray with OpenCV, Otsu's threshold, crop the ink's box, fit it into 20x20 and centre it on
28x28 (MNIST's size). No network, no page analysis: a fraction of what `digits classify` does.
"""
import os
import sys
import time

import cv2
import numpy as np

cv2.setNumThreads(1)
folder = sys.argv[1]
files = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".png"))
start = time.perf_counter()
samples = []
for path in files:
    gray = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    x, y, w, h = cv2.boundingRect(ink)
    crop = ink[y:y + h, x:x + w] if w and h else ink
    s = 20 / max(crop.shape)
    small = cv2.resize(crop, (max(1, round(crop.shape[1] * s)), max(1, round(crop.shape[0] * s))), interpolation=cv2.INTER_AREA)
    sample = np.zeros((28, 28), np.uint8)
    oy, ox = (28 - small.shape[0]) // 2, (28 - small.shape[1]) // 2
    sample[oy:oy + small.shape[0], ox:ox + small.shape[1]] = small
    samples.append(sample)
seconds = time.perf_counter() - start
print(f"{len(files) / seconds:.1f}")
