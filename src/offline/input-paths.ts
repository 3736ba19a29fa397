// Which files an input names (docs/cli.md#inputs), the way kubeconform and the Kyverno CLI take them: a file as it is,
// a directory searched recursively for .yaml/.yml/.json, a glob (`deploy/**/*.yaml`, for when the shell did not
// expand it), never walking into node_modules or .git, and minus the --exclude globs.
import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const MANIFEST_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json'];
/** Never walked: dependency trees and VCS metadata hold YAML that is not the user's manifests. */
const NEVER_WALKED: readonly string[] = ['node_modules', '.git'];

export interface InputFile {
  absolute: string;
  /** The path as the user would recognise it (relative when they gave a relative path). */
  display: string;
  /** Found in a directory or by a glob (rather than named): parse `.json` as JSON, anything else as YAML. */
  found: boolean;
}

export function isManifestFile(name: string): boolean {
  return MANIFEST_EXTENSIONS.includes(extname(name).toLowerCase());
}

export function hasGlob(input: string): boolean {
  return /[*?[{]/.test(input);
}

/** A glob as a regular expression over `/`-separated paths: `**` any depth, `*` and `?` within a segment, `[...]`, `{a,b}`. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        const body = glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = end;
      }
    } else if (c === '{') {
      const end = glob.indexOf('}', i + 1);
      if (end < 0) out += '\\{';
      else {
        out += `(?:${glob
          .slice(i + 1, end)
          .split(',')
          .map((alt) => globToRegExp(alt).source.slice(1, -1))
          .join('|')})`;
        i = end;
      }
    } else out += /[.+^$()|\\]/.test(c) ? `\\${c}` : c;
  }
  return new RegExp(`^${out}$`);
}

const toSlashes = (path: string) => path.split(sep).join('/').replace(/^\.\//, '');

/** An --exclude glob: with a `/` it matches the whole path, without one any file or directory name (like .gitignore). */
export function excluder(patterns: readonly string[]): (display: string) => boolean {
  const matchers = patterns.map((p) => {
    const re = globToRegExp(toSlashes(p).replace(/\/$/, ''));
    return p.includes('/')
      ? (path: string) => re.test(path)
      : (path: string) => path.split('/').some((s) => re.test(s));
  });
  return (display) => {
    const path = toSlashes(display);
    return matchers.some((m) => m(path));
  };
}

interface Walk {
  excluded: (display: string) => boolean;
  /** Keep a file found by the walk (the directory walk keeps manifests, a glob its matches). */
  keep: (display: string) => boolean;
}

/** Files under a directory, sorted, recursing; symlinked directories are not followed (no loops). */
async function walk(absolute: string, display: string, w: Walk): Promise<InputFile[]> {
  const entries = await readdir(absolute, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: InputFile[] = [];
  for (const entry of entries) {
    const child = { absolute: join(absolute, entry.name), display: join(display, entry.name), found: true };
    if (w.excluded(child.display)) continue;
    if (entry.isDirectory()) {
      if (!NEVER_WALKED.includes(entry.name)) files.push(...(await walk(child.absolute, child.display, w)));
    } else if (
      w.keep(child.display) &&
      (entry.isFile() || (entry.isSymbolicLink() && (await stat(child.absolute)).isFile()))
    ) {
      files.push(child);
    }
  }
  return files;
}

/** The directory a glob's first wildcard segment is in: `deploy/**\/*.yaml` → `deploy`. */
function globBase(glob: string): string {
  const segments = toSlashes(glob).split('/');
  const first = segments.findIndex(hasGlob);
  return segments.slice(0, first).join('/') || '.';
}

/**
 * The files one input names. A missing path that has glob characters is expanded; a glob that matches nothing and
 * a path that does not exist are errors (thrown, the caller reports them), like a missing file for kubectl.
 */
export async function expandInput(input: string, cwd: string, exclude: readonly string[]): Promise<InputFile[]> {
  const excluded = excluder(exclude);
  const absolute = resolve(cwd, input);
  const info = await stat(absolute).catch((err: unknown) => {
    if (hasGlob(input)) return undefined;
    throw err;
  });
  if (info?.isDirectory()) return walk(absolute, input, { excluded, keep: isManifestFile });
  if (info) return excluded(input) ? [] : [{ absolute, display: input, found: false }];
  const base = globBase(input);
  const pattern = globToRegExp(toSlashes(input));
  const files = await walk(resolve(cwd, base), base === '.' ? '' : base, {
    excluded,
    keep: (display) => isManifestFile(display) && pattern.test(toSlashes(display)),
  });
  if (files.length === 0) throw new Error(`no manifest file matches the pattern ${input}`);
  return files;
}
