/**
 * Resume planning. Pure: from the journal state, the gate's step catalogue and the operator's
 * --accept-step ids, decide what is done, what runs again and whether resuming is safe at all.
 *
 * Idempotent steps (snapshots, tests, chaos, readiness, verify) with an intent but no result simply run
 * again. Non-idempotent ones (update, restart) are never repeated blindly: the plan carries a refusal that
 * tells the operator what happened and the next safe action, until they vouch for the step with
 * --accept-step.
 */
import { JournalCorrupt, pendingSteps, type JournalState, type Phase } from './journal.js';

/** What the runner knows about each step of this gate. */
export interface StepInfo {
  id: string;
  phase: Phase;
  title: string;
  idempotent: boolean;
}

export const PHASE_TITLES: Record<Phase, string> = {
  T0: 'preflight',
  T1: 'change',
  T2: 'tests',
  T3: 'staging chaos',
  T4: 'observe & verdict',
};

export interface Refusal {
  phase: Phase;
  step: string;
  title: string;
  /** Pid recorded in the step's started record, if any. */
  pid?: number;
  pidAlive?: boolean;
  /** The last result in the journal: the last durable artifact. */
  lastArtifact?: { step: string; status: string; path?: string; at: string };
}

export interface ResumePlan {
  completed: string[];
  /** Interrupted idempotent steps that run again (with the pid of the interrupted attempt, if recorded). */
  rerun: Array<{ step: string; pid?: number }>;
  /** Interrupted non-idempotent steps the operator vouched for (now or in an earlier resume). */
  accepted: string[];
  /** Set when resuming would repeat a side effect: the gate must stop with exit 2. */
  refusal?: Refusal;
  /** Problems with --accept-step ids (usage errors). */
  acceptErrors: string[];
}

/** Plans a resume; throws JournalCorrupt when the journal names steps this gate does not have. */
export function planResume(state: JournalState, catalogue: StepInfo[], acceptIds: string[], pidAlive: (pid: number) => boolean = () => false): ResumePlan {
  const info = new Map(catalogue.map((s) => [s.id, s]));
  for (const id of state.order) {
    const s = state.steps.get(id)!;
    const known = info.get(id);
    if (!known)
      throw new JournalCorrupt(s.intentLine, `the journal names step ${id}, which this gate does not have (its inputs changed since the run started)`);
    if (known.phase !== s.phase) throw new JournalCorrupt(s.intentLine, `the journal puts step ${id} in phase ${s.phase}, this gate in ${known.phase}`);
  }
  const pending = pendingSteps(state);
  const plan: ResumePlan = { completed: state.order.filter((id) => state.steps.get(id)!.result), rerun: [], accepted: [], acceptErrors: [] };
  const pendingIds = new Set(pending.map((p) => p.step));
  for (const id of acceptIds) {
    const known = info.get(id);
    if (!known) plan.acceptErrors.push(`--accept-step ${id}: no such step (steps: ${catalogue.map((s) => s.id).join(', ')})`);
    else if (!pendingIds.has(id))
      plan.acceptErrors.push(
        `--accept-step ${id}: the step is not interrupted (${state.steps.get(id)?.result ? 'it has a result' : 'it never started'}); nothing to accept`,
      );
    else if (known.idempotent) plan.acceptErrors.push(`--accept-step ${id}: the step is idempotent and simply runs again; nothing to accept`);
  }
  for (const p of pending) {
    const known = info.get(p.step)!;
    if (known.idempotent) {
      plan.rerun.push({ step: p.step, pid: p.pid });
      continue;
    }
    if (p.accepted || acceptIds.includes(p.step)) {
      plan.accepted.push(p.step);
      continue;
    }
    if (!plan.refusal) {
      const last = state.lastResult;
      plan.refusal = {
        phase: p.phase,
        step: p.step,
        title: known.title,
        pid: p.pid,
        pidAlive: p.pid !== undefined ? pidAlive(p.pid) : undefined,
        lastArtifact: last ? { step: last.step, status: last.status, path: last.artifacts[0]?.path, at: last.at } : undefined,
      };
    }
  }
  return plan;
}

/** The operator message of a refusal: headline, detail lines and the next safe action. */
export function refusalMessage(r: Refusal, outDir: string, statusCommand?: string): { message: string; details: string[]; hint: string } {
  const details = [
    `phase ${r.phase} (${PHASE_TITLES[r.phase]}): step ${r.step} (${r.title}) has an intent in the journal but no result`,
    `${r.step} has side effects on the live target and is not idempotent: running it again could apply it twice`,
  ];
  if (r.pid !== undefined) {
    details.push(
      r.pidAlive
        ? `pid ${r.pid} of the interrupted attempt is STILL RUNNING: wait for it to finish first`
        : `pid ${r.pid} of the interrupted attempt has exited; whether it completed is unknown`,
    );
  } else {
    details.push('the step was interrupted before its command started, or before its pid was recorded');
  }
  details.push(
    r.lastArtifact
      ? `last durable artifact: ${r.lastArtifact.path ?? '(none)'} (step ${r.lastArtifact.step}: ${r.lastArtifact.status}, ${r.lastArtifact.at})`
      : 'last durable artifact: none',
  );
  const verify = statusCommand ? ` (e.g. \`${statusCommand}\`)` : '';
  const hint =
    `verify the target manually${verify}; if ${r.step} did not take effect, perform it by hand; then run ` +
    `\`hunt release-gate --resume ${outDir} --accept-step ${r.step}\``;
  return { message: `the interrupted gate in ${outDir} cannot resume on its own: ${r.step} may or may not have run`, details, hint };
}
