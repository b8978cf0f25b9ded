import { describe, expect, it } from 'vitest';
import { parseErrorBody } from './response-errors.js';

describe('parseErrorBody', () => {
  it('reads OCI error bodies and the token spec\'s OAuth-style ones', () => {
    expect(parseErrorBody(Buffer.from('{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}')))
      .toEqual([{ code: 'DENIED', message: 'requested access to the resource is denied' }]);
    expect(parseErrorBody(Buffer.from('{"error":"invalid_grant","error_description":"bad password"}'))).toEqual([{ code: 'INVALID_GRANT', message: 'bad password' }]);
    expect(parseErrorBody(Buffer.from('{"details":"incorrect username or password"}'))).toEqual([{ code: 'UNKNOWN', message: 'incorrect username or password' }]);
  });

  it('gives nothing for bodies that are not error JSON', () => {
    expect(parseErrorBody(Buffer.from('<html>502</html>'))).toEqual([]);
    expect(parseErrorBody(Buffer.from('{"errors":[{"message":"no code"}]}'))).toEqual([]);
    expect(parseErrorBody(Buffer.alloc(0))).toEqual([]);
  });
});
