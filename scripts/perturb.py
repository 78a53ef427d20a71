"""Copies of labelled real images as they might arrive from other sources: at half and double the resolution,
turned a little, blurred, compressed hard, faded, unevenly lit, noisy, or small in a larger picture on a grey
surround. Reading them shows how far a reading holds when the picture changes but the writing does not.

Usage: python perturb.py MANIFEST.tsv ROOT OUT [PREFIX]
MANIFEST.tsv lists `file` and `label` (paths relative to ROOT; only those starting with PREFIX). Writes
OUT/VARIANT/NAME.png and OUT/VARIANT.csv (file,label) for every variant, the same every run (fixed seed).
Needs opencv-python-headless and numpy (`scripts/eval-real --robustness` makes a venv with them).
"""
import csv
import os
import sys

import cv2
import numpy as np


def turned(image, degrees):
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(image, m, (w, h), borderMode=cv2.BORDER_REPLICATE)


def on_surround(image):
    """The picture in the middle of one three times its size, on a grey a little darker than its paper."""
    h, w = image.shape[:2]
    paper = np.percentile(image.reshape(-1, *image.shape[2:]), 90, axis=0)
    big = np.empty((3 * h, 3 * w) + image.shape[2:], image.dtype)
    big[:] = (paper * 0.85).astype(image.dtype)
    big[h:2 * h, w:2 * w] = image
    return big


def faded(image):
    """Ink at 45 % of its contrast with the paper (dark-on-light and light-on-dark alike)."""
    x = image.astype(np.float32)
    out = 255 - (255 - x) * 0.45 if x.mean() > 127 else x * 0.45
    return np.clip(out, 0, 255).astype(np.uint8)


def lit_unevenly(image):
    """Light falling from 100 % on the right to 45 % on the left."""
    g = np.linspace(0.45, 1.0, image.shape[1])[None, :]
    return np.clip(image * (g[..., None] if image.ndim == 3 else g), 0, 255).astype(np.uint8)


def variants(rng):
    return {
        "original": lambda im: im,
        "half size": lambda im: cv2.resize(im, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA),
        "double size": lambda im: cv2.resize(im, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC),
        "turned +4°": lambda im: turned(im, 4),
        "turned -4°": lambda im: turned(im, -4),
        "blurred": lambda im: cv2.GaussianBlur(im, (0, 0), 1.5),
        "JPEG q25": lambda im: cv2.imdecode(cv2.imencode(".jpg", im, [cv2.IMWRITE_JPEG_QUALITY, 25])[1], cv2.IMREAD_UNCHANGED),
        "faded": faded,
        "lit unevenly": lit_unevenly,
        "noisy": lambda im: np.clip(im + rng.normal(0, 18, im.shape), 0, 255).astype(np.uint8),
        "small on grey": on_surround,
    }


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    manifest, root, out = sys.argv[1:4]
    prefix = sys.argv[4] if len(sys.argv) > 4 else ""
    rows = [m for m in csv.DictReader(open(manifest), delimiter="\t") if m["file"].startswith(prefix)]
    rng = np.random.default_rng(7)
    for name, change in variants(rng).items():
        folder = os.path.join(out, name)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(out, name + ".csv"), "w", newline="") as f:
            labels = csv.writer(f)
            labels.writerow(["file", "label"])
            for m in rows:
                image = cv2.imread(os.path.join(root, m["file"]), cv2.IMREAD_UNCHANGED)
                if image is None:
                    continue
                if image.dtype == np.uint16:
                    image = (image // 257).astype(np.uint8)
                if image.ndim == 3 and image.shape[2] == 4:
                    image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
                file = os.path.splitext(os.path.basename(m["file"]))[0] + ".png"
                cv2.imwrite(os.path.join(folder, file), change(image))
                labels.writerow([file, m["label"]])


if __name__ == "__main__":
    main()
