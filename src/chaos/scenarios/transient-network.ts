/**
 * transient-network: the target's upstream goes through the fault proxy. During the fault the target
 * must report degraded health (or stay healthy, per the profile); after the fault clears it must be
 * healthy again within the recovery deadline, without a restart.
 */
import { FaultProxy } from '../fault-proxy/proxy.js';
import { describeFaults, type FaultState } from '../fault-proxy/types.js';
import type { ScenarioDef } from '../types.js';
import { startReady, within } from './common.js';

function faultFor(name: 'reset' | 'refuse' | 'blackhole'): FaultState {
  return { [name]: true };
}

export const transientNetwork: ScenarioDef = {
  name: 'transient-network',
  title: 'transient upstream outage',
  expected: (cfg) => {
    const t = cfg.transientNetwork;
    return `during a ${t.faultMs} ms upstream outage (${t.fault}) health ${t.expectDegraded ? 'turns degraded' : 'stays ok'}; after it clears, health is ok again within ${t.recoveryDeadlineMs} ms; the process never exits`;
  },
  suggestedFix:
    'probe the upstream with a timeout and bounded backoff; report degraded while it fails and clear the state on the first success (never latch a failure)',
  async run({ cfg, lane, rec }) {
    const tn = cfg.transientNetwork;
    const upstream = lane.upstreamUrl;
    if (!upstream || !lane.sandbox.binding.health(upstream)) {
      rec.skip(
        !upstream
          ? 'the profile names no upstream (chaos.upstreamEnv or {upstreamUrl} in the start command)'
          : 'the profile has no health probe (target.health or target.healthUrl) to observe degradation',
      );
      return;
    }
    const u = new URL(upstream);
    const proxy = await FaultProxy.start({ upstreamPort: Number(u.port) });
    try {
      await lane.setUpstream(proxy.url(u.pathname));
      const t = await startReady(lane, rec, 'target');
      if (!t) return;
      const reached = await within(lane.target.readyTimeoutMs, async () => proxy.stats().forwarded > 0);
      if (reached === null) {
        rec.warn('behaviour', `the target made no upstream call through the proxy within ${lane.target.readyTimeoutMs} ms: the outage could not be observed`);
        return;
      }
      rec.timing('first_upstream_call', reached);
      await proxy.setFaults(faultFor(tn.fault));
      const faultAt = Date.now();
      let degradedAfter: number | null = null;
      let worst = '';
      while (Date.now() - faultAt < tn.faultMs && t.sup.running()) {
        const h = await lane.health(Math.min(2000, lane.target.healthTimeoutMs));
        if (h && !h.ok && degradedAfter === null) {
          degradedAfter = Date.now() - faultAt;
          worst = `${h.detail}${h.body ? ` ${h.body.slice(0, 200)}` : ''}`;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      const stats = proxy.stats();
      await proxy.clear();
      const clearedAt = Date.now();
      rec.add(
        `fault ${describeFaults(faultFor(tn.fault))} for ${clearedAt - faultAt} ms: health ${degradedAfter === null ? 'stayed ok' : `degraded after ${degradedAfter} ms (${worst})`}; proxy accepted ${stats.accepted}, reset ${stats.resets}, blackholed ${stats.blackholed}`,
      );
      if (!t.sup.running()) {
        rec.fail('crash', `the target exited during the upstream outage (${JSON.stringify(t.sup.exitInfo())})`);
        for (const line of await lane.exitEvidence(t, faultAt)) rec.add(line);
        return;
      }
      if (tn.expectDegraded && degradedAfter === null) rec.fail('behaviour', `health stayed ok during a ${tn.faultMs} ms upstream outage (expected degraded)`);
      if (!tn.expectDegraded && degradedAfter !== null)
        rec.fail('behaviour', `health degraded ${degradedAfter} ms into the outage (the profile expects it to stay ok)`);
      if (degradedAfter !== null) rec.timing('degraded_after_fault', degradedAfter);
      const recovered = await within(tn.recoveryDeadlineMs, async () => Boolean((await lane.health())?.ok) || !t.sup.running(), 100);
      if (!t.sup.running()) rec.fail('crash', 'the target exited after the upstream came back');
      else if (recovered === null) {
        const h = await lane.health();
        rec.fail(
          'behaviour',
          `still unhealthy ${tn.recoveryDeadlineMs} ms after the upstream came back (${h?.detail ?? 'no probe'} ${h?.body?.slice(0, 200) ?? ''})`,
        );
      } else {
        rec.timing('recovered_after_clear', recovered);
        rec.note(`${degradedAfter === null ? 'stayed ok' : `degraded after ${degradedAfter} ms`}, recovered ${recovered} ms after the outage`);
      }
      rec.metadata.proxy = { ...proxy.stats(), fault: tn.fault };
    } finally {
      await proxy.close();
    }
  },
};
