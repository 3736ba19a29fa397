// The per-rule actions `serve` enforces (docs/rules.md#rule-actions): the --rule-action flags over a file of
// `id=action` lines, typically a mounted ConfigMap key. The file is re-read when it changes (fs.watch on its
// directory, since a ConfigMap volume swaps a symlink, plus polling), as the certificate files are. A file with a
// problem is refused as a whole and the previous actions stay.
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import { EMPTY_POLICY, parseRuleActions, type RuleAction, type RulePolicy } from '../clusterlink/index.js';
import type { Logger } from '../observability/log.js';

export interface RuleActionsSource {
  current(): RulePolicy;
  close(): void;
}

export class RuleActionsFileError extends Error {
  override name = 'RuleActionsFileError';
}

/** Flags over the file's entries; throws RuleActionsFileError when the file cannot be read or has a problem. */
export function loadRuleActions(flags: ReadonlyMap<string, RuleAction>, file: string | undefined): RulePolicy {
  if (file === undefined) return flags.size === 0 ? EMPTY_POLICY : new Map(flags);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new RuleActionsFileError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const parsed = parseRuleActions(text);
  if (parsed.problems.length > 0) throw new RuleActionsFileError(`${file}: ${parsed.problems.join('; ')}`);
  for (const [id, action] of flags) parsed.policy.set(id, action);
  return parsed.policy;
}

const describe = (policy: RulePolicy): Record<string, RuleAction> => Object.fromEntries(policy);

/** Loads at once (a problem then is the caller's configuration error) and keeps the actions current. */
export function ruleActionsSource(options: {
  flags: ReadonlyMap<string, RuleAction>;
  file?: string;
  pollIntervalMs: number;
  logger: Logger;
}): RuleActionsSource {
  const { flags, file, logger } = options;
  let policy = loadRuleActions(flags, file);
  if (policy.size > 0) logger.info({ ruleActions: describe(policy), file }, 'rule actions in force');
  if (file === undefined) return { current: () => policy, close: () => undefined };

  let lastText = JSON.stringify(describe(policy));
  const reload = (): void => {
    try {
      const next = loadRuleActions(flags, file);
      const text = JSON.stringify(describe(next));
      if (text === lastText) return;
      policy = next;
      lastText = text;
      logger.info({ ruleActions: describe(next), file }, 'rule actions reloaded');
    } catch (err) {
      logger.error(
        { err: { message: (err as Error).message } },
        'rule actions file refused; the previous actions stay',
      );
    }
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(file), () => reload());
    watcher.on('error', () => undefined);
  } catch {
    watcher = undefined; // polling still picks changes up
  }
  const timer = setInterval(reload, options.pollIntervalMs);
  timer.unref();
  return {
    current: () => policy,
    close: () => {
      clearInterval(timer);
      watcher?.close();
    },
  };
}
