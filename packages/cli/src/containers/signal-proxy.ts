/** Forwards the CLI's signals to the container (docker's --sig-proxy, on for non-TTY runs). */
export function proxySignals(send: (signal: string) => Promise<void>): () => void {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];
  const handlers = signals.map((sig) => {
    const handler = (): void => void send(sig).catch(() => {});
    process.on(sig, handler);
    return [sig, handler] as const;
  });
  return () => handlers.forEach(([sig, h]) => process.off(sig, h));
}
