import { describe, expect, it } from 'vitest';
import { applyChanges, parseChanges, words } from './image-changes.js';

const apply = (...lines: string[]) => applyChanges({}, parseChanges(lines));

describe('--change', () => {
  it('takes CMD and ENTRYPOINT in exec and shell form', () => {
    expect(apply('CMD ["echo","hi"]').Cmd).toEqual(['echo', 'hi']);
    expect(apply('CMD echo "hi there"').Cmd).toEqual(['/bin/sh', '-c', 'echo "hi there"']);
    expect(apply('ENTRYPOINT ["/app"]').Entrypoint).toEqual(['/app']);
    expect(apply('entrypoint /app --flag').Entrypoint).toEqual(['/bin/sh', '-c', '/app --flag']);
    // Not valid JSON: shell form, as dockerd does.
    expect(apply('CMD [echo, hi]').Cmd).toEqual(['/bin/sh', '-c', '[echo, hi]']);
  });

  it('lets ENTRYPOINT reset CMD unless CMD was set by the same changes', () => {
    expect(applyChanges({ Cmd: ['old'] }, parseChanges(['ENTRYPOINT ["/e"]'])).Cmd).toBeNull();
    expect(apply('CMD ["c"]', 'ENTRYPOINT ["/e"]').Cmd).toEqual(['c']);
  });

  it('sets ENV in both forms and replaces existing keys', () => {
    expect(apply('ENV A=1 B="two words" C=a\\ b').Env).toEqual(['A=1', 'B=two words', 'C=a b']);
    expect(apply('ENV PATH /usr/bin:/bin').Env).toEqual(['PATH=/usr/bin:/bin']);
    expect(apply('ENV GREETING hello world').Env).toEqual(['GREETING=hello world']);
    expect(applyChanges({ Env: ['A=0', 'Z=9'] }, parseChanges(['ENV A=1'])).Env).toEqual(['A=1', 'Z=9']);
  });

  it('sets LABEL, USER, WORKDIR, STOPSIGNAL, ONBUILD', () => {
    const c = apply('LABEL a=b "c d"=e', 'USER 1000:1000', 'WORKDIR /srv', 'WORKDIR app', 'STOPSIGNAL SIGINT', 'ONBUILD RUN make');
    expect(c.Labels).toEqual({ a: 'b', 'c d': 'e' });
    expect(c.User).toBe('1000:1000');
    expect(c.WorkingDir).toBe('/srv/app');
    expect(c.StopSignal).toBe('SIGINT');
    expect(c.OnBuild).toEqual(['RUN make']);
  });

  it('sets EXPOSE ports and ranges, and VOLUME in both forms', () => {
    expect(apply('EXPOSE 80 53/udp 8000-8001').ExposedPorts).toEqual({ '80/tcp': {}, '53/udp': {}, '8000/tcp': {}, '8001/tcp': {} });
    expect(apply('VOLUME ["/data", "/logs"]').Volumes).toEqual({ '/data': {}, '/logs': {} });
    expect(apply('VOLUME /a /b').Volumes).toEqual({ '/a': {}, '/b': {} });
  });

  it('refuses instructions an image config cannot hold, naming the supported ones', () => {
    expect(() => parseChanges(['RUN make'])).toThrow(
      'unknown instruction "RUN" in --change: supported are CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, USER, VOLUME, WORKDIR, STOPSIGNAL',
    );
    expect(() => parseChanges(['FROM x'])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('refuses malformed arguments', () => {
    for (const bad of ['CMD', 'EXPOSE abc', 'EXPOSE 70000', 'ENV A', 'ENV A=1 B', 'ONBUILD FROM x', 'STOPSIGNAL ???', 'LABEL "a=b']) {
      expect(() => parseChanges([bad]), bad).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
  });

  it('leaves the base config untouched', () => {
    const base = { Env: ['A=1'] };
    applyChanges(base, parseChanges(['ENV A=2']));
    expect(base.Env).toEqual(['A=1']);
  });
});

describe('words', () => {
  it('splits on unquoted whitespace and strips quotes', () => {
    expect(words(`a "b c" 'd e' f\\ g "h\\"i"`)).toEqual(['a', 'b c', 'd e', 'f g', 'h"i']);
  });
});
