// Fields the schemas do not know. kubernetes-models' validators check types and required fields but let any
// other field through, while the API server (strict field validation, kubectl's default) refuses it: a typo
// such as `replica: 2` would pass here and fail at `kubectl apply`. The packages' TypeScript declarations list
// every field of every type, so they are read as the schema for this one check.
import { readFileSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const modules = join(dirname(fileURLToPath(import.meta.url)), "node_modules");
const ANY = { kind: "any" };
const parsedFiles = new Map();

// Where a module specifier of a declaration file leads: a relative path, or a path inside a package.
function declarationPath(specifier, fromFile) {
  const base = specifier.startsWith(".") ? resolve(dirname(fromFile), specifier) : join(modules, specifier);
  const path = base.replace(/\.js$/, "") + ".d.ts";
  if (!existsSync(path)) throw new Error(`no declarations at ${path} (from ${fromFile})`);
  return path;
}

function tokenize(text) {
  const tokens = [];
  const pattern = /\s+|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[A-Za-z_$][\w$]*|-?\d+(?:\.\d+)?|[{}[\]<>():;?|&,.=]/y;
  let match;
  while (pattern.lastIndex < text.length && (match = pattern.exec(text)) !== null) {
    if (!/^\s/.test(match[0])) tokens.push(match[0]);
  }
  if (pattern.lastIndex < text.length) throw new Error(`cannot read declarations near: ${text.slice(pattern.lastIndex, pattern.lastIndex + 40)}`);
  return tokens;
}

// One declaration file: its imports (name -> file) and its first interface's body, parsed to a shape:
// object {props}, map {value}, array {item}, ref {name, file} or any.
function parseFile(file) {
  if (parsedFiles.has(file)) return parsedFiles.get(file);
  const text = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/[^\n]*/g, "");
  const imports = new Map();
  for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*"([^"]+)"/g)) {
    for (const name of m[1].split(",").map((n) => n.trim()).filter(Boolean)) imports.set(name, m[2]);
  }
  const start = text.search(/export interface \w+/);
  let shape = ANY;
  if (start >= 0) {
    const tokens = tokenize(text.slice(text.indexOf("{", start)));
    const parser = new Parser(tokens, imports, file);
    shape = parser.object();
  }
  parsedFiles.set(file, shape);
  return shape;
}

class Parser {
  constructor(tokens, imports, file) {
    this.tokens = tokens;
    this.position = 0;
    this.imports = imports;
    this.file = file;
  }

  peek(offset = 0) { return this.tokens[this.position + offset]; }

  take(expected) {
    const token = this.tokens[this.position++];
    if (expected !== undefined && token !== expected) throw new Error(`${this.file}: expected ${expected}, found ${token}`);
    return token;
  }

  // { "name"?: type; ... } or { [key: string]: type; }
  object() {
    this.take("{");
    const props = new Map();
    let map = null;
    while (this.peek() !== "}") {
      if (this.peek() === "[") {
        while (this.take() !== "]");
        this.take(":");
        map = this.type();
      } else {
        const name = this.take().replace(/^["']|["']$/g, "");
        if (this.peek() === "?") this.take();
        this.take(":");
        props.set(name, this.type());
      }
      if (this.peek() === ";" || this.peek() === ",") this.take();
    }
    this.take("}");
    return map !== null && props.size === 0 ? { kind: "map", value: map } : { kind: "object", props };
  }

  type() {
    const members = [this.primary()];
    while (this.peek() === "|" || this.peek() === "&") {
      this.take();
      members.push(this.primary());
    }
    return members.length === 1 ? members[0] : ANY;
  }

  primary() {
    let shape;
    const token = this.peek();
    if (token === "{") {
      shape = this.object();
    } else if (token === "(") {
      this.take("(");
      shape = this.type();
      this.take(")");
    } else {
      this.take();
      if (token === "Array" && this.peek() === "<") {
        this.take("<");
        shape = { kind: "array", item: this.type() };
        this.take(">");
      } else if (this.peek() === "<") {
        // Any other generic: not checked inside.
        let depth = 0;
        do {
          const t = this.take();
          if (t === "<") depth++;
          if (t === ">") depth--;
        } while (depth > 0);
        shape = ANY;
      } else if (this.imports.has(token)) {
        shape = { kind: "ref", file: declarationPath(this.imports.get(token), this.file) };
      } else {
        shape = ANY; // string, number, boolean, a literal, or a type the file defines itself.
      }
    }
    while (this.peek() === "[" && this.peek(1) === "]") {
      this.take("[");
      this.take("]");
      shape = { kind: "array", item: shape };
    }
    return shape;
  }
}

function check(value, shape, path, problems) {
  while (shape.kind === "ref") shape = parseFile(shape.file);
  if (value === null || typeof value !== "object") return;
  if (shape.kind === "array" && Array.isArray(value)) {
    value.forEach((item, i) => check(item, shape.item, `${path}[${i}]`, problems));
  } else if (shape.kind === "map" && !Array.isArray(value)) {
    for (const [key, item] of Object.entries(value)) check(item, shape.value, `${path}.${key}`, problems);
  } else if (shape.kind === "object" && !Array.isArray(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (!shape.props.has(key)) problems.push(`${path}.${key} is not a field of the schema`);
      else check(item, shape.props.get(key), `${path}.${key}`, problems);
    }
  }
}

/** The fields of an object its kind's declarations do not have, as `.spec.replica is not a field ...` lines. */
export function unknownFields(object, specifier) {
  const problems = [];
  check(object, { kind: "ref", file: declarationPath(specifier, join(modules, "x")) }, "", problems);
  return problems;
}
