"""The story compiler: a story folder (YAML) in, a validated, immutable `Story` out.

Reading YAML safely (`yamlsafe`, `yamlbuild`), the shape of story files (`schema`), the expression
language (`expr`, `effects`, `template`), whole-story checks (`analysis`), compiling a folder (`folder`)
and the entry points (`loader`): `check_story` collects every problem, `load_story` stops at the first.
"""
