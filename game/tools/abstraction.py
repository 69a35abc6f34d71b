"""What the exhaustive search may forget about a run: the abstraction that makes a story's states few.

A number variable is *abstracted* when every condition and effect reads it only by comparing it with a
constant (`stamina > 2`, `3 <= suspicion`), apart from the effects that set it (`stamina -= 1`,
`stamina = max(0, stamina - 2)`), and it has both a `min` and a `max`. Its range then falls into
*regions*, cut at every constant it is compared with: inside a region every condition of the story
reads the same. A state of the search keeps, for each such number, the set of regions runs in it can
have the number in (its *box*), not the values.

Visit and choice counts and `turn` only grow, so when conditions and effects only compare them with
constants, every count at or above the highest constant reads the same forever: the count is kept up
to that constant (and a once-only choice as taken or not).

Text is left out: what a scene prints changes no state. A coverage run asks which of its branches
each state shows: then the numbers the branches' conditions compare are cut like the story's, and the
true/false variables, items and counts they read that no later move reads are not followed at all: the
search shows each text with every value of them (`Abstraction.free`), which can only show more. Everything
else (the scene, items, true/false and text variables, the numbers that are read as values, the stack
of subscene calls) is kept exactly: that is the search state's *control key*.
See docs/AUTHORING.md, "How the exhaustive search works", for why a search over these states misses no
reachable scene, ending, soft-lock or trap.
"""

from __future__ import annotations

import ast
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from game.compiler.analysis import closure
from game.compiler.template import tokens
from game.engine.state import RunState
from game.model import BOOL, INT, Choice, Effect, Expr, Scene, Story, Template

Count = tuple[str, str]  # ("visit", scene id) | ("chosen", choice key) | ("turn", "")


@dataclass
class Reads:
    """What the story's conditions and effects do with each number and count."""

    cuts: dict[str, set[int]] = field(default_factory=dict)  # variable -> region starts it is compared at
    valued: set[str] = field(default_factory=set)  # variables read as values (not abstracted)
    count_cuts: dict[Count, set[int]] = field(default_factory=dict)
    counts_valued: set[Count] = field(default_factory=set)


@dataclass(frozen=True)
class Abstraction:
    """How a run state maps to a state of the search."""

    regions: dict[str, tuple[int, ...]]  # abstracted variable -> the first value of each region, ascending
    highest: dict[str, int]  # abstracted variable -> its max
    exact: tuple[str, ...]  # variables kept exactly
    counts: dict[Count, int | None]  # counts that conditions read -> kept up to this (None: exactly)
    once: tuple[str, ...]  # once-only choice keys
    writes: dict[str, frozenset[str]] = field(default_factory=dict)  # choice key -> abstracted variables it may set
    live: dict[str, frozenset[str]] = field(default_factory=dict)  # scene -> what later moves can still read
    shifted: dict[str, frozenset[str]] = field(default_factory=dict)  # choice key -> written, unread, monotone
    offered: dict[str, tuple[str, ...]] = field(default_factory=dict)  # scene -> abstracted numbers its offers read
    shown: dict[str, tuple[str, ...]] = field(default_factory=dict)  # scene -> ... its texts read (with `text`)
    moved: dict[str, frozenset[str]] = field(default_factory=dict)  # choice key -> abstracted numbers its move reads
    needs: dict[str, tuple[str, ...]] = field(default_factory=dict)  # choice key -> numbers its taking depends on
    domains: dict[str, tuple[object, ...]] = field(default_factory=dict)  # `_domains`
    kept: dict[str, tuple[Any, ...]] = field(default_factory=dict, compare=False)  # `_kept_at`, by scene

    def free(self, templates: list[Template | None], scene: str, at: str) -> tuple[str, ...]:
        """The names the branches of these texts (of `scene`) read that no later move reads from scene
        `at`: a search shows the texts with each of them at every value (`domains`)."""
        live = self.live.get(at, frozenset())
        names = {name for template in templates for name in _branch_reads(template, scene)}
        return tuple(sorted(name for name in names if name in self.domains and name not in live))

    def region(self, name: str, value: int) -> int:
        return bisect_right(self.regions[name], value) - 1

    def span(self, name: str, value: int) -> range:
        """Every value of the region `value` is in."""
        starts = self.regions[name]
        index = bisect_right(starts, value) - 1
        end = starts[index + 1] if index + 1 < len(starts) else self.highest[name] + 1
        return range(starts[index], end)

    def areas(self, run: RunState) -> tuple[int, ...]:
        """The region each abstracted number is in (0 for a number no later move reads)."""
        live = self.live.get(run.scene, frozenset())
        variables = run.variables
        return tuple(
            bisect_right(starts, variables[name]) - 1 if name in live else 0 for name, starts in self.regions.items()
        )

    def control(self, run: RunState) -> tuple[object, ...]:
        """The key without the abstracted numbers: the scene, items, true/false and text variables,
        numbers kept exactly, counts and the stack, as far as later moves read them."""
        items, exact, counts, once = self._kept_at(run.scene)
        variables, chosen = run.variables, run.chosen
        kept_counts = []
        for kind, name, cap in counts:
            value = (
                run.visits.get(name, 0) if kind == "visit" else chosen.get(name, 0) if kind == "chosen" else run.turn
            )
            kept_counts.append(value if cap is None else min(value, cap))
        return (
            run.scene,
            run.ending,
            tuple(run.stack),
            items.intersection(run.items),
            tuple(variables[name] for name in exact),
            tuple(kept_counts),
            tuple(key in chosen for key in once),
        )

    def _kept_at(
        self, scene: str
    ) -> tuple[frozenset[str], tuple[str, ...], tuple[tuple[str, str, int | None], ...], tuple[str, ...]]:
        """What later moves from this scene read: items, exact variables, counts and once-only choices."""
        kept = self.kept.get(scene)
        if kept is None:
            live = self.live.get(scene, frozenset())
            live_name = {"visit": "scene:{}", "chosen": "choice:{}", "turn": "@turn"}
            kept = self.kept[scene] = (
                frozenset(name.removeprefix("item:") for name in live if name.startswith("item:")),
                tuple(name for name in self.exact if name in live),
                tuple(
                    (kind, name, cap)
                    for (kind, name), cap in self.counts.items()
                    if live_name[kind].format(name) in live
                ),
                tuple(key for key in self.once if f"once:{key}" in live),
            )
        return kept


def _constant(node: ast.expr) -> int | None:
    """A whole-number constant, or None."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _constant(node.operand)
        return None if inner is None else -inner
    return None


# `x OP c` splits x's range at these points (the first value of the region above): x < c at c, x <= c at c + 1
_SPLITS = {ast.Lt: (0,), ast.GtE: (0,), ast.LtE: (1,), ast.Gt: (1,), ast.Eq: (0, 1), ast.NotEq: (0, 1)}
_MIRROR = {ast.Lt: ast.Gt, ast.Gt: ast.Lt, ast.LtE: ast.GtE, ast.GtE: ast.LtE, ast.Eq: ast.Eq, ast.NotEq: ast.NotEq}


class _Scanner:
    """Walks one condition or effect and notes how it reads numbers and counts."""

    def __init__(self, reads: Reads, numbers: set[str], scene: str, target: str | None = None):
        self.reads, self.numbers, self.scene, self.target = reads, numbers, scene, target
        self.compared: set[int] = set()  # ids of nodes read by a comparison with a constant

    def count_of(self, node: ast.expr) -> Count | None:
        if isinstance(node, ast.Name) and node.id == "visits":
            return ("visit", self.scene)
        if isinstance(node, ast.Name) and node.id == "turn":
            return ("turn", "")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("visited", "chosen")
            and len(node.args) == 1
            and isinstance(node.args[0], ast.Constant)
        ):
            return ("visit" if node.func.id == "visited" else "chosen", str(node.args[0].value))
        return None

    def scan(self, tree: ast.AST) -> None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare):
                self._compare(node)
            for tested in _truth_tests(node):  # `if chosen('x')` reads the count as `chosen('x') >= 1`
                count = self.count_of(tested)
                if count is not None:
                    self.reads.count_cuts.setdefault(count, set()).add(1)
                    self.compared.update(id(arg) for arg in ast.walk(tested))
        for node in ast.walk(tree):
            if id(node) in self.compared:
                continue
            count = self.count_of(node) if isinstance(node, ast.expr) else None
            if count is not None:
                self.reads.counts_valued.add(count)
            elif isinstance(node, ast.Name) and node.id in self.numbers and node.id != self.target:
                self.reads.valued.add(node.id)

    def _compare(self, node: ast.Compare) -> None:
        operands = [node.left, *node.comparators]
        for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
            kind = type(op)
            if kind not in _SPLITS:
                continue
            constant, subject = _constant(right), left
            if constant is None:
                constant, subject, kind = _constant(left), right, _MIRROR[kind]
            if constant is None:
                continue
            cuts = {constant + shift for shift in _SPLITS[kind]}
            count = self.count_of(subject)
            if count is not None:
                self.reads.count_cuts.setdefault(count, set()).update(cuts)
                self.compared.add(id(subject))
                self.compared.update(id(arg) for arg in ast.walk(subject))
            elif isinstance(subject, ast.Name) and subject.id in self.numbers:
                self.reads.cuts.setdefault(subject.id, set()).update(cuts)
                self.compared.add(id(subject))


def _truth_tests(node: ast.AST) -> list[ast.expr]:
    """The parts of a node read only as true or false: a condition's own root, the operands of `and`,
    `or` and `not`, and the test of `a if test else b`."""
    if isinstance(node, ast.Expression):
        return [node.body]
    if isinstance(node, ast.BoolOp):
        return list(node.values)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return [node.operand]
    if isinstance(node, ast.IfExp):
        return [node.test]
    return []


def _parse(source: str, mode: str) -> ast.AST | None:
    try:
        return ast.parse(source.strip(), mode=mode)
    except SyntaxError:  # pragma: no cover - the compiler has read every source already
        return None


def _effects(effects: tuple[Effect, ...]) -> Iterator[Effect]:
    for effect in effects:
        yield from effect.walk()


def _scan_effects(effects: tuple[Effect, ...], reads: Reads, numbers: set[str], scene: str) -> None:
    for effect in _effects(effects):
        if effect.condition is not None:
            _scan_expr(effect.condition, reads, numbers, scene)
        if effect.variable is not None:
            tree = _parse(effect.source, "exec")
            if tree is not None:
                _Scanner(reads, numbers, scene, effect.variable).scan(tree)


def _scan_expr(expr: Expr | None, reads: Reads, numbers: set[str], scene: str) -> None:
    if expr is not None:
        tree = _parse(expr.source, "eval")
        if tree is not None:
            _Scanner(reads, numbers, scene).scan(tree)


def _text_sources(template: Template | None) -> list[tuple[str, str]]:
    """The conditions of a text's `{% if/elif %}` branches, each with its parse mode: what decides which
    branch shows (what `{{ }}` prints decides no branch)."""
    if template is None or template.fn is None:
        return []
    found = []
    source = template.source
    for token in tokens(source):
        if token.kind == "expr":
            continue
        body = source[token.body_start : token.body_end].strip()
        keyword, _, rest = body.partition(" ")
        if keyword in ("if", "elif") and rest.strip():
            found.append((rest.strip(), "eval"))
    return found


_COUNTED = {"has": "item", "visited": "scene", "chosen": "choice"}


def _branch_reads(template: Template | None, scene: str | None = None) -> set[str]:
    """What the conditions of a text's branches read, named as `_reads_of` names it (`visits`, in a
    text of `scene`, as that scene's visit count)."""
    found: set[str] = set()
    for source, mode in _text_sources(template):
        for node in ast.walk(_parse(source, mode) or ast.Module(body=[], type_ignores=[])):
            if isinstance(node, ast.Name):
                here = f"scene:{scene}" if scene is not None else "@visits"
                found.add({"turn": "@turn", "visits": here}.get(node.id, node.id))
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in _COUNTED
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.add(f"{_COUNTED[node.func.id]}:{node.args[0].value!s}")
    return found


def _prose_reads(story: Story, scene_id: str) -> set[str]:
    """What the branches of a scene's prose read."""
    scene = story.scenes[scene_id]
    return _branch_reads(scene.text) | _branch_reads(scene.revisit_text)


def _texts(scene: Scene) -> list[Template | None]:
    texts: list[Template | None] = [scene.text, scene.revisit_text]
    for choice in scene.all_choices:
        texts += [choice.text, choice.disabled_text, choice.outcome]
    return texts


def _scan_texts(scene: Scene, reads: Reads, numbers: set[str]) -> None:
    for template in _texts(scene):
        for source, mode in _text_sources(template):
            tree = _parse(source, mode)
            if tree is not None:
                _Scanner(reads, numbers, scene.id).scan(tree)


def _scan_choice(choice: Choice, reads: Reads, numbers: set[str], scene: str) -> None:
    _scan_expr(choice.condition, reads, numbers, scene)
    for branch in choice.goto:
        _scan_expr(branch.condition, reads, numbers, scene)
    _scan_effects(choice.effects, reads, numbers, scene)


def _reads_of(exprs: list[Expr | None], effects: tuple[Effect, ...]) -> set[str]:
    """Names read ("item:x", "scene:x", "choice:x", variables, "@turn", "@visits"), an effect's reading of
    the variable it sets aside (that only changes the variable itself)."""
    found: set[str] = set()
    for expr in exprs:
        if expr is not None:
            found |= expr.reads | {f"{ref.kind}:{ref.name}" for ref in expr.refs}
    for effect in _effects(effects):
        if effect.condition is not None:
            found |= _reads_of([effect.condition], ())
        if effect.value is not None:
            found |= _reads_of([effect.value], ()) - {effect.variable or ""}
    return found


def _live(story: Story, text: Callable[[str], bool] | None = None) -> dict[str, frozenset[str]]:
    """For each scene, what any later move can still read: the names read by the choices of every scene
    reachable from it (itself included) and by the entry effects of every scene a move can enter. With
    `text`, also what the branches of later texts read, except the names `text` accepts (those a search
    tries at every value where it shows a text, instead of following them)."""
    own: dict[str, set[str]] = {}
    entry: dict[str, set[str]] = {}
    nxt: dict[str, set[str]] = {}
    for scene_id, scene in story.scenes.items():
        reads: set[str] = set()
        for choice in scene.all_choices:
            reads |= _reads_of([choice.condition, *(b.condition for b in choice.goto)], choice.effects)
            if choice.once:
                reads.add(f"once:{choice.key}")
        if text is not None:
            reads |= {name for t in _texts(scene) for name in _branch_reads(t, scene_id) if not text(name)}
        if "@visits" in reads:
            reads.add(f"scene:{scene_id}")
        own[scene_id] = reads
        entered = _reads_of([], scene.on_enter)
        entry[scene_id] = entered | ({f"scene:{scene_id}"} if "@visits" in entered else set())
        nxt[scene_id] = {d for c in scene.all_choices for d in c.destinations}
    live: dict[str, frozenset[str]] = {}
    for scene_id in story.scenes:
        later = closure(nxt[scene_id], lambda s: nxt[s])
        names = set(own[scene_id])
        for other in later:
            names |= own[other] | entry[other]
        live[scene_id] = frozenset(names)
    return live


def abstraction(story: Story, text: bool = False) -> Abstraction:
    """The abstraction of this story's runs (see the module's docstring). With `text`, what the conditions
    of the texts' branches read counts as well (so that a search can tell which branches each state shows)."""
    numbers = {name for name, variable in story.variables.items() if variable.type == INT}
    reads = Reads()
    for scene in story.scenes.values():
        if text:
            _scan_texts(scene, reads, numbers)
        _scan_effects(scene.on_enter, reads, numbers, scene.id)
        for choice in scene.all_choices:
            _scan_choice(choice, reads, numbers, scene.id)
    regions: dict[str, tuple[int, ...]] = {}
    highest: dict[str, int] = {}
    for name in sorted(numbers - reads.valued):
        variable = story.variables[name]
        if variable.minimum is None or variable.maximum is None:
            continue
        low, high = variable.minimum, variable.maximum
        cuts = reads.cuts.get(name, set())
        regions[name] = (low, *sorted(c for c in cuts if low < c <= high))
        highest[name] = high
    counts: dict[Count, int | None] = {}
    for count, cuts in reads.count_cuts.items():
        counts[count] = None if count in reads.counts_valued else max(cuts)
    for count in reads.counts_valued:
        counts[count] = None
    once = tuple(sorted(key for key, choice in story.choice_index.items() if choice.once))
    writes, shifted, moved = {}, {}, {}
    for key, choice in story.choice_index.items():
        effects = list(_effects(choice.effects))
        used = _reads_of([choice.condition, *(b.condition for b in choice.goto)], choice.effects)
        for destination in choice.destinations:
            on_enter = story.scenes[destination].on_enter
            effects += _effects(on_enter)
            used |= _reads_of([], on_enter)
        written = {e.variable for e in effects if e.variable in regions}
        writes[key] = frozenset(written)
        moved[key] = frozenset(used)
        # a number the texts shown after the move read is taken at every value, not only at its region's ends
        shown_after = (
            (_branch_reads(choice.outcome) | {n for d in choice.destinations for n in _prose_reads(story, d)})
            if text
            else set()
        )
        shifted[key] = frozenset(
            name
            for name in written
            if name not in used and name not in shown_after and all(_shifts(e) for e in effects if e.variable == name)
        )
    exact = tuple(sorted(name for name in story.variables if name not in regions))
    offered, shown, prose = {}, {}, {}
    for scene_id, scene in story.scenes.items():
        read = _reads_of([choice.condition for choice in scene.all_choices], ())
        offered[scene_id] = tuple(name for name in regions if name in read)
        if text:  # what the offers show, and what the prose shown on entering reads
            read = {name for c in scene.all_choices for t in (c.text, c.disabled_text) for name in _branch_reads(t)}
            shown[scene_id] = tuple(name for name in regions if name in read and name not in offered[scene_id])
            prose[scene_id] = _prose_reads(story, scene_id)
    moved = {key: frozenset(name for name in names if name in regions) for key, names in moved.items()}
    needs = {}
    for key, choice in story.choice_index.items():
        own = _reads_of([choice.condition], ()) | moved[key] | (writes[key] - shifted[key])
        if choice.is_fallback:
            own |= set(offered[key.partition(".")[0]])
        if text:
            own |= _branch_reads(choice.outcome)
            own |= {name for destination in choice.destinations for name in prose[destination]}
        needs[key] = tuple(name for name in regions if name in own)
    domains = _domains(story, counts)
    live = _live(story, domains.__contains__ if text else None)
    return Abstraction(
        regions,
        highest,
        exact,
        dict(sorted(counts.items())),
        once,
        writes,
        live,
        shifted,
        offered,
        shown,
        moved,
        needs,
        domains=domains,
    )


def _domains(story: Story, counts: dict[Count, int | None]) -> dict[str, tuple[object, ...]]:
    """The names a search can try at every value where a text shows them, with their values: true/false
    variables, items, and counts kept up to a constant (a text variable or a number read by value can
    take any value, so it is followed instead)."""
    domains: dict[str, tuple[object, ...]] = {
        name: (False, True) for name, variable in story.variables.items() if variable.type == BOOL
    }
    domains.update({f"item:{item}": (False, True) for item in story.items})
    names = {"visit": "scene:{}", "chosen": "choice:{}"}
    for (kind, name), cap in counts.items():
        if cap is not None and kind in names:  # (`turn` numbers the log: it is followed)
            domains[names[kind].format(name)] = tuple(range(cap + 1))
    return domains


def _shifts(effect: Effect) -> bool:
    """Whether the effect moves its variable by an amount that does not depend on it (`x += e`, `x -= e`)
    or sets it to a value that does not (`x = e`): then it maps a range of values onto a range, in order."""
    tree = _parse(effect.source, "exec")
    statement = tree.body[0] if isinstance(tree, ast.Module) and tree.body else None
    if isinstance(statement, ast.AugAssign) and isinstance(statement.op, (ast.Add, ast.Sub)):
        value = statement.value
    elif isinstance(statement, ast.Assign):
        value = statement.value
    else:
        return False
    return not any(isinstance(node, ast.Name) and node.id == effect.variable for node in ast.walk(value))
