#!/usr/bin/env node
// ink's side of benchmarks/bench.py: one measurement per process, one JSON object on stdout.
//
//   node run.js compile STORY.ink STORY.ink.json          compile ink source to the runtime's JSON
//   node run.js checksum STORY.ink.json STRUCTURE.json    path checksum of playthroughs 0..499
//   node run.js measure STORY.ink.json STRUCTURE.json [--playthroughs 2000] [--load-reps 5] [--save-reps 200]
//                       [--save-at-STEP SEED ...]                save/load the state after STEP choices
//   node run.js memory STORY.ink.json [--playthroughs 2000]   peak memory after one load and the walk
//   node run.js first-scene STORY.ink.json                load, print the first scene and its choices, exit
//
// The walk is the one of benchmarks/storygen.py: playthrough i draws from mulberry32(1000 + i), picks
// floor(draw * choices.length), and stops at an ending or after 200 choices; a step is one choice.
"use strict";
const fs = require("fs");

const WALK_SEED = 1000, MAX_STEPS = 200, CHECKED_RUNS = 500;

function mulberry32(state) {
  return function draw() {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t = (t + Math.imul(t ^ (t >>> 7), t | 61)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fnv1a(hash, text) {
  for (const byte of Buffer.from(text, "utf8")) hash = Math.imul(hash ^ byte, 16777619) >>> 0;
  return hash;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b), middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

function timeEach(repetitions, action) {
  const times = [];
  for (let i = 0; i < repetitions; i++) {
    const start = nowMs();
    action();
    times.push(nowMs() - start);
  }
  return median(times);
}

// A memory figure of this process from /proc/self/status (VmHWM: peak RSS), in MB; null off Linux.
function statusMb(field) {
  if (!fs.existsSync("/proc/self/status")) return null;
  const match = fs.readFileSync("/proc/self/status", "utf8").match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
  return match ? Number(match[1]) / 1024 : null;
}

function parseArguments(argv) {
  const positional = [], options = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith("--")) options[argv[i].slice(2)] = Number(argv[++i]);
    else positional.push(argv[i]);
  }
  return { positional, options };
}

// One playthrough from the start: continue (that produces the text), choose, until an ending or maxSteps.
function play(story, seed, maxSteps) {
  story.ResetState();
  const draw = mulberry32(seed);
  let steps = 0;
  for (;;) {
    while (story.canContinue) story.Continue();
    const choices = story.currentChoices;
    if (choices.length === 0 || steps === maxSteps) return { steps, ended: choices.length === 0 };
    story.ChooseChoiceIndex(Math.floor(draw() * choices.length));
    steps++;
  }
}

// FNV-1a over "{steps}|{ending or CAP}|{variables}|{scenes}\n" per playthrough (storygen.PathChecksum);
// a scene is recognised by its first line of text.
function pathChecksum(story, structure) {
  const sceneOfFirstLine = new Map(structure.scenes.map((scene) => [scene.text.split("\n\n")[0], scene.id]));
  const names = Object.keys(structure.variables);
  let hash = 2166136261, steps = 0;
  for (let i = 0; i < CHECKED_RUNS; i++) {
    story.ResetState();
    const draw = mulberry32(WALK_SEED + i);
    const scenes = [];
    let taken = 0, ending = "CAP";
    for (;;) {
      let firstLine = null;
      while (story.canContinue) {
        const line = story.Continue();
        if (firstLine === null) firstLine = line.trim();
      }
      const scene = sceneOfFirstLine.get(firstLine);
      if (scene === undefined) throw new Error(`no scene starts with: ${firstLine}`);
      scenes.push(scene);
      const choices = story.currentChoices;
      if (choices.length === 0) { ending = scene; break; }
      if (taken === MAX_STEPS) break;
      story.ChooseChoiceIndex(Math.floor(draw() * choices.length));
      taken++;
    }
    steps += taken;
    const values = names.map((name) => story.variablesState.$(name)).join(",");
    hash = fnv1a(hash, `${taken}|${ending}|${values}|${scenes.join(",")}\n`);
  }
  return { checksum: hash.toString(16).padStart(8, "0"), checked_steps: steps };
}

function walk(story, playthroughs) {
  let steps = 0;
  const cpuBefore = process.cpuUsage(), wallBefore = nowMs();
  for (let i = 0; i < playthroughs; i++) steps += play(story, WALK_SEED + i, MAX_STEPS).steps;
  const wallS = (nowMs() - wallBefore) / 1000, cpu = process.cpuUsage(cpuBefore);
  const cpuS = (cpu.user + cpu.system) / 1e6; // every thread of the process: V8's GC and compiler threads too
  return {
    playthroughs, steps, cpu_s: cpuS, wall_s: wallS, steps_per_s_cpu: steps / cpuS, steps_per_s_wall: steps / wallS,
  };
}

// Save and load the state after `step` choices of playthrough `seed` (bench.py picks the seed: the first
// from 1,000,000 up whose playthrough has not ended by then).
function saveAt(story, json, step, seed, repetitions) {
  if (play(story, seed, step).ended) throw new Error(`playthrough ${seed} ends before step ${step}`);
  const saved = story.state.ToJson();
  const other = new Story(json);
  const result = {
    [`save_${step}_bytes`]: Buffer.byteLength(saved, "utf8"),
    [`save_${step}_ms`]: timeEach(repetitions, () => story.state.ToJson()),
    [`restore_${step}_ms`]: timeEach(repetitions, () => other.state.LoadJson(saved)),
  };
  if (other.state.ToJson() !== saved) throw new Error(`the state saved at step ${step} does not load back`);
  return result;
}

function measure(json, structure, options) {
  const story = new Story(json); // the first load, untimed
  const loadMs = timeEach(options["load-reps"], () => new Story(json));
  const checked = pathChecksum(story, structure); // also the warm-up: the first 500 playthroughs
  const result = { load_ms: loadMs, ...checked, ...walk(story, options.playthroughs) };
  for (const [name, seed] of Object.entries(options)) {
    const step = name.match(/^save-at-(\d+)$/)?.[1];
    if (step) Object.assign(result, saveAt(story, json, Number(step), seed, options["save-reps"]));
  }
  return result;
}

function memory(json, playthroughs) {
  const story = new Story(json);
  const { steps } = walk(story, playthroughs);
  return { playthroughs, steps, peak_mb: statusMb("VmHWM") };
}

const { positional: [mode, ...files], options } = parseArguments(process.argv.slice(2));
const defaults = { playthroughs: 2000, "load-reps": 5, "save-reps": 200 };
for (const [name, value] of Object.entries(defaults)) options[name] ??= value;

if (mode === "compile") {
  const { Compiler } = require("inkjs/full");
  const compiler = new Compiler(fs.readFileSync(files[0], "utf8"));
  let json = null;
  try {
    json = compiler.Compile().ToJson();
  } catch (error) {
    if (!compiler.errors.length) throw error; // otherwise the errors say more
  }
  if (compiler.errors.length) throw new Error(`ink compile errors:\n${compiler.errors.slice(0, 5).join("\n")}`);
  fs.writeFileSync(files[1], json);
  console.log(JSON.stringify({ compiled: files[1], json_bytes: Buffer.byteLength(json, "utf8") }));
  process.exit(0);
}
const { Story } = require("inkjs");
const json = fs.readFileSync(files[0], "utf8");
if (mode === "first-scene") {
  const story = new Story(json);
  let text = "";
  while (story.canContinue) text += story.Continue();
  const choices = story.currentChoices.map((choice, i) => `  ${i + 1}. ${choice.text}`).join("\n");
  process.stdout.write(`${text}\n${choices}\n`);
  process.exit(0);
}
const inkjsVersion = JSON.parse(fs.readFileSync(`${__dirname}/node_modules/inkjs/package.json`, "utf8")).version;
const structure = () => JSON.parse(fs.readFileSync(files[1], "utf8"));
let result;
if (mode === "checksum") result = pathChecksum(new Story(json), structure());
else if (mode === "measure") result = measure(json, structure(), options);
else if (mode === "memory") result = memory(json, options.playthroughs);
else throw new Error(`unknown mode ${mode}; see the top of run.js`);
console.log(JSON.stringify({ inkjs: inkjsVersion, node: process.version, ...result }));
