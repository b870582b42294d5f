"""The baseline process for the language-ID benchmark: seeded langdetect, one label per line."""

import sys

import langdetect


def main() -> None:
    langdetect.DetectorFactory.seed = 0
    out = []
    with open(sys.argv[1], encoding="utf-8") as lines:
        for line in lines:
            try:
                out.append(langdetect.detect(line))
            except langdetect.LangDetectException:
                out.append("und")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
