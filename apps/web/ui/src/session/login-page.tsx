import { useState } from 'preact/hooks';
import { Field } from '../controls/field';
import { SubmitForm } from '../controls/submit-form';
import { login } from './session';

export function LoginPage({ note }: { note?: string | undefined }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  return (
    <main class="auth-page">
      <h1>Berth console</h1>
      <h2>Log in</h2>
      {note ? <p class="muted">{note}</p> : null}
      <SubmitForm label="Log in" onSubmit={() => login(username, password)}>
        <Field label="Username"><input name="username" autoComplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} autoFocus /></Field>
        <Field label="Password"><input name="password" type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} /></Field>
      </SubmitForm>
    </main>
  );
}
