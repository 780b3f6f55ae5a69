"""The sources behind the programme, as printed on documents a clinician may read.

Keys are PROGRAMME.md §8's citation keys; the text is a short reference with its DOI
where there is one, so a reader can look the paper up.
"""

from __future__ import annotations

CITATIONS: dict[str, str] = {
    "LIIRA25": "Liira D. One trick to make strength exercises more productive for runners. "
               "Runner's Life, 11 Feb 2025 (the heels-up idea).",
    "SILB07": "Silbernagel KG, Thomeé R, Eriksson BI, Karlsson J. Am J Sports Med 2007;35(6):897-906. "
              "doi:10.1177/0363546506298279 (pain-monitoring model).",
    "HL17": "Hébert-Losier K, Wessman C, Alricsson M, Svantesson U. Physiotherapy 2017;103(4):446-452. "
            "doi:10.1016/j.physio.2017.03.002 (heel-rise test norms, n = 566).",
}


def cite(*keys: str) -> tuple[str, ...]:
    """The references for these keys, each as the key in brackets and then the reference."""
    return tuple(f"[{key}] {CITATIONS[key]}" for key in keys)
