"""Checks the executed notebooks (notebooks/run.sh): no cell error, and the outputs each must show.

usage: python3 check_outputs.py EXECUTED_DIR NOTEBOOK.ipynb ...
"""
import json
import os
import re
import sys

# per notebook: patterns its text outputs must contain, and how many PNG images at least
EXPECTED = {
    "01-quickstart.ipynb": ([r"recall@16 \d\.\d{4} over 500 queries", r"nbr_pos", r"4096 tokens in \d+\.\d+ s",
                             r"seq-000000"], 1),
    "02-how-zeta-finds-neighbours.ipynb": ([r"window +curves +recall@", r"exact neighbours found by the window"], 3),
    "03-real-text.ipynb": ([r"nearest earlier words of '", r"recall@16 \d\.\d{4}", r"tokens of War and Peace"], 1),
}


def texts_and_images(nb):
    texts, images, errors = [], 0, []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind == "error":
                errors.append(out.get("ename", "") + ": " + out.get("evalue", ""))
            if kind == "stream":
                texts.append("".join(out.get("text", [])))
            data = out.get("data", {})
            if "image/png" in data:
                images += 1
            for key in ("text/plain", "text/html", "text/markdown"):
                if key in data:
                    value = data[key]
                    texts.append("".join(value) if isinstance(value, list) else value)
                    if key == "text/html" and "data:image/png;base64" in texts[-1]:
                        images += 1
    return "\n".join(texts), images, errors


def main():
    executed = sys.argv[1]
    failures = []
    for path in sys.argv[2:]:
        name = os.path.basename(path)
        nb = json.load(open(os.path.join(executed, name), encoding="utf-8"))
        text, images, errors = texts_and_images(nb)
        patterns, min_images = EXPECTED.get(name, ([], 0))
        for e in errors:
            failures.append(f"{name}: cell error {e}")
        for p in patterns:
            if not re.search(p, text):
                failures.append(f"{name}: no output matches /{p}/")
        if images < min_images:
            failures.append(f"{name}: {images} images, expected at least {min_images}")
        if name not in EXPECTED:
            failures.append(f"{name}: no expectations in check_outputs.py")
        print(f"check_outputs: {name}: {len(text)} characters of output, {images} images, {len(errors)} errors")
    for f in failures:
        print("check_outputs: FAIL " + f, file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
