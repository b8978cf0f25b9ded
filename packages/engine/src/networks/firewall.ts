import { runCommand } from '../process/command.js';
import { chainNames, type FirewallNetwork, type FirewallPorts, jumpRules, renderRules, staleJumpRules } from './nat-rules.js';

/** The iptables side of one engine instance: its own chains, and jumps to them. */
export class Firewall {
  private jumpsReady = false;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly tag: string) {}

  /** Replaces the content of our chains (atomically, one iptables-restore); serialised. */
  apply(networks: FirewallNetwork[], published: FirewallPorts[]): Promise<void> {
    const run = this.queue.then(async () => {
      await runCommand('iptables-restore', ['-w', '--noflush'], { input: renderRules(this.tag, networks, published) });
      if (!this.jumpsReady) {
        await this.ensureJumps();
        this.jumpsReady = true;
      }
    });
    this.queue = run.catch(() => {});
    return run;
  }

  /** Our jumps, each once, at the top of the built-in chains; jumps of earlier versions go. */
  private async ensureJumps(): Promise<void> {
    for (const [table, chain, rule] of jumpRules(this.tag)) {
      const exists = await runCommand('iptables', ['-w', '-t', table, '-C', chain, ...rule]).then(() => true, () => false);
      if (!exists) await runCommand('iptables', ['-w', '-t', table, '-I', chain, '1', ...rule]);
    }
    await this.deleteJumps(staleJumpRules(this.tag));
  }

  private async deleteJumps(rules: [string, string, string[]][]): Promise<void> {
    for (const [table, chain, rule] of rules) {
      while (await runCommand('iptables', ['-w', '-t', table, '-D', chain, ...rule]).then(() => true, () => false));
    }
  }

  /** Removes our jumps and chains; what other programs put in the tables stays. */
  teardown(): Promise<void> {
    const run = this.queue.then(async () => {
      await this.deleteJumps([...jumpRules(this.tag), ...staleJumpRules(this.tag)]);
      const c = chainNames(this.tag);
      for (const [table, name] of [['nat', c.dnat], ['nat', c.post], ['filter', c.forward], ['filter', c.input]] as const) {
        await runCommand('iptables', ['-w', '-t', table, '-F', name]).catch(() => {});
        await runCommand('iptables', ['-w', '-t', table, '-X', name]).catch(() => {});
      }
      this.jumpsReady = false;
    });
    this.queue = run.catch(() => {});
    return run;
  }
}
