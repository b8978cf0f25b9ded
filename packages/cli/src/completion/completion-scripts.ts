/**
 * Shell completion scripts. Command names are baked in; object names come from the engine
 * at completion time through the hidden `berth __complete KIND` command.
 */

/** Which kind of name each verb takes. */
export const NAME_KINDS: Record<string, 'containers' | 'images' | 'networks' | 'volumes' | 'contexts'> = {
  start: 'containers', stop: 'containers', restart: 'containers', kill: 'containers', rm: 'containers', logs: 'containers',
  exec: 'containers', attach: 'containers', inspect: 'containers', top: 'containers', stats: 'containers', wait: 'containers',
  pause: 'containers', unpause: 'containers', rename: 'containers', update: 'containers', cp: 'containers',
  run: 'images', create: 'images', rmi: 'images', tag: 'images', history: 'images', push: 'images', save: 'images',
  network: 'networks', volume: 'volumes', context: 'contexts',
};

export function bashScript(commands: readonly string[]): string {
  const cases = Object.entries(groupBy(NAME_KINDS))
    .map(([kind, verbs]) => `    ${verbs.join('|')}) kind=${kind} ;;`)
    .join('\n');
  return `# berth bash completion: source <(berth completion bash)
_berth() {
  local cur=\${COMP_WORDS[COMP_CWORD]} cmd="" i kind=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      -H|--host|-c|--context|--config) ((i++)) ;;
      -*) ;;
      container|image) ;;
      *) cmd=\${COMP_WORDS[i]}; break ;;
    esac
  done
  if [[ -z $cmd ]]; then
    COMPREPLY=($(compgen -W "${commands.join(' ')} container image" -- "$cur"))
    return
  fi
  [[ $cur == -* ]] && return
  case "$cmd" in
${cases}
    *) return ;;
  esac
  COMPREPLY=($(compgen -W "$(berth __complete "$kind" 2>/dev/null)" -- "$cur"))
}
complete -F _berth berth
`;
}

export function zshScript(commands: readonly string[]): string {
  const cases = Object.entries(groupBy(NAME_KINDS))
    .map(([kind, verbs]) => `    ${verbs.join('|')}) kind=${kind} ;;`)
    .join('\n');
  return `#compdef berth
# berth zsh completion: source <(berth completion zsh)
_berth() {
  local cmd="" kind="" w
  for w in \${words[2,CURRENT-1]}; do
    case $w in
      -*|container|image) ;;
      *) cmd=$w; break ;;
    esac
  done
  if [[ -z $cmd ]]; then
    compadd -- ${commands.join(' ')} container image
    return
  fi
  case $cmd in
${cases}
    *) return ;;
  esac
  compadd -- \${(f)"$(berth __complete $kind 2>/dev/null)"}
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _berth "$@"; else compdef _berth berth; fi
`;
}

function groupBy(map: Record<string, string>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [verb, kind] of Object.entries(map)) (out[kind] ??= []).push(verb);
  return out;
}
