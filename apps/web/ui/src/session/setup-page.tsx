import { useState } from 'preact/hooks';
import { Field } from '../controls/field';
import { SubmitForm } from '../controls/submit-form';
import { setupAdmin } from './session';

/** First run: the one-time setup token the console printed creates the first admin. */
export function SetupPage() {
  const [token, setToken] = useState('');
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const mismatch = again !== '' && again !== password;
  return (
    <main class="auth-page">
      <h1>Berth console</h1>
      <h2>First-run setup</h2>
      <p>Enter the one-time setup token that <code>berth-console</code> printed when it started, and create the first administrator.</p>
      <SubmitForm label="Create administrator" disabled={mismatch || password.length < 8} disabledReason="The passwords must match and have at least 8 characters" onSubmit={() => setupAdmin(token.trim(), username, password)}>
        <Field label="Setup token"><input name="token" required autoComplete="off" spellcheck={false} value={token} onInput={(e) => setToken(e.currentTarget.value)} autoFocus /></Field>
        <Field label="Administrator username"><input name="username" required autoComplete="username" value={username} onInput={(e) => setUsername(e.currentTarget.value)} /></Field>
        <Field label="Password" hint="At least 8 characters"><input name="password" type="password" required minLength={8} autoComplete="new-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} /></Field>
        <Field label="Password again" hint={mismatch ? 'The passwords differ' : undefined}><input name="password-again" type="password" required autoComplete="new-password" value={again} onInput={(e) => setAgain(e.currentTarget.value)} /></Field>
      </SubmitForm>
    </main>
  );
}
