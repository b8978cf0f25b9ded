import { describe, expect, it } from 'vitest';
import { parseDockerfile } from './dockerfile-parse.js';
import { applyMetadata, parseDuration } from './metadata-steps.js';
import { envLookup } from './shell-expand.js';

function apply(line: string, current = {}, cmdSet = false) {
  const ins = parseDockerfile(line).instructions[0]!;
  return applyMetadata(ins, current, envLookup(['BASE=/opt']), '\\', cmdSet);
}

describe('metadata instructions', () => {
  it('ENV takes pairs (quoted, expanded) and the old one-pair form, replacing earlier values', () => {
    const pairs = apply('ENV A=1 B="two words" C=$BASE/bin', { Env: ['A=0', 'PATH=/bin'] });
    expect(pairs.runtime.Env).toEqual(['PATH=/bin', 'A=1', 'B=two words', 'C=/opt/bin']);
    expect(pairs.createdBy).toBe('/bin/sh -c #(nop)  ENV A=1 B=two words C=/opt/bin');
    expect(apply('ENV GREETING hello there').runtime.Env).toEqual(['GREETING=hello there']);
    expect(() => apply('ENV LONELY')).toThrow(/must be followed by a value/);
  });

  it('EXPOSE defaults to tcp and rejects junk', () => {
    expect(apply('EXPOSE 80 53/UDP').runtime.ExposedPorts).toEqual({ '80/tcp': {}, '53/udp': {} });
    expect(() => apply('EXPOSE http')).toThrow(/invalid containerPort/);
  });

  it('CMD and ENTRYPOINT take shell and exec forms; ENTRYPOINT drops an inherited CMD', () => {
    expect(apply('CMD echo hi').runtime.Cmd).toEqual(['/bin/sh', '-c', 'echo hi']);
    expect(apply('CMD ["a", "b"]', { Shell: ['/bin/bash', '-c'] }).runtime.Cmd).toEqual(['a', 'b']);
    expect(apply('ENTRYPOINT ["run"]', { Cmd: ['sh'] }).runtime).toMatchObject({ Entrypoint: ['run'], Cmd: null });
    expect(apply('ENTRYPOINT ["run"]', { Cmd: ['x'] }, true).runtime.Cmd).toEqual(['x']);
  });

  it('HEALTHCHECK stores the test and Go durations in nanoseconds', () => {
    expect(apply('HEALTHCHECK --interval=1m30s --timeout=500ms --retries=3 CMD ["curl", "-f", "x"]').runtime.Healthcheck).toEqual({
      Test: ['CMD', 'curl', '-f', 'x'], Interval: 90e9, Timeout: 500e6, Retries: 3,
    });
    expect(apply('HEALTHCHECK NONE').runtime.Healthcheck).toEqual({ Test: ['NONE'] });
    expect(() => parseDuration('10')).toThrow(/invalid duration/);
  });

  it('LABEL, USER, VOLUME, STOPSIGNAL, SHELL and ONBUILD', () => {
    expect(apply('LABEL a=b "c d"=e', { Labels: { x: 'y' } }).runtime.Labels).toEqual({ x: 'y', a: 'b', 'c d': 'e' });
    expect(apply('USER 1000:1000').runtime.User).toBe('1000:1000');
    expect(apply('VOLUME ["/a", "$BASE"]').runtime.Volumes).toEqual({ '/a': {}, '/opt': {} });
    expect(apply('STOPSIGNAL SIGQUIT').runtime.StopSignal).toBe('SIGQUIT');
    expect(() => apply('SHELL /bin/bash')).toThrow(/JSON form/);
    expect(apply('ONBUILD RUN make').runtime.OnBuild).toEqual(['RUN make']);
    expect(() => apply('ONBUILD FROM x')).toThrow(/isn't allowed/);
  });
});
