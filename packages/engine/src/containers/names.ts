import { randomInt } from 'node:crypto';
import { EngineError } from '../errors.js';

const ADJECTIVES = [
  'admiring', 'agitated', 'amazing', 'angry', 'awesome', 'blissful', 'bold', 'brave', 'busy', 'charming',
  'clever', 'cool', 'compassionate', 'confident', 'crazy', 'dazzling', 'determined', 'eager', 'ecstatic',
  'elastic', 'elated', 'elegant', 'epic', 'fervent', 'festive', 'focused', 'friendly', 'frosty', 'gallant',
  'gifted', 'goofy', 'gracious', 'happy', 'hopeful', 'hungry', 'infallible', 'inspiring', 'jolly', 'keen',
  'kind', 'laughing', 'loving', 'lucid', 'magical', 'modest', 'musing', 'nice', 'nifty', 'nostalgic',
  'optimistic', 'peaceful', 'pensive', 'practical', 'quirky', 'relaxed', 'romantic', 'serene', 'sharp',
  'silly', 'sleepy', 'stoic', 'strange', 'sweet', 'tender', 'thirsty', 'trusting', 'vibrant', 'vigilant',
  'wizardly', 'wonderful', 'youthful', 'zealous', 'zen',
];

const SURNAMES = [
  'agnesi', 'albattani', 'allen', 'archimedes', 'babbage', 'banach', 'bardeen', 'bell', 'bhabha', 'bohr',
  'booth', 'borg', 'bose', 'brahmagupta', 'cannon', 'carson', 'cerf', 'chandrasekhar', 'clarke', 'curie',
  'darwin', 'diffie', 'dijkstra', 'einstein', 'euclid', 'euler', 'faraday', 'fermat', 'fermi', 'feynman',
  'franklin', 'galileo', 'gauss', 'goldberg', 'goodall', 'hamilton', 'hawking', 'heisenberg', 'hertz',
  'hodgkin', 'hopper', 'hypatia', 'jackson', 'johnson', 'kepler', 'knuth', 'lamarr', 'lamport', 'leakey',
  'lovelace', 'lumiere', 'mahavira', 'mayer', 'mccarthy', 'meitner', 'mendel', 'mirzakhani', 'morse',
  'newton', 'noether', 'pare', 'pascal', 'pasteur', 'perlman', 'pike', 'poincare', 'ptolemy', 'raman',
  'ritchie', 'rosalind', 'sammet', 'shannon', 'shaw', 'sinoussi', 'stallman', 'swirles', 'tesla',
  'thompson', 'torvalds', 'turing', 'volhard', 'wescoff', 'wiles', 'williams', 'wozniak', 'wright', 'yalow',
];

const VALID_NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** A Docker-style random name (`eager_turing`) that `taken` does not hold yet. */
export function generateName(taken: (name: string) => boolean): string {
  for (let attempt = 0; ; attempt++) {
    const base = `${ADJECTIVES[randomInt(ADJECTIVES.length)]}_${SURNAMES[randomInt(SURNAMES.length)]}`;
    const name = attempt < 10 ? base : `${base}${randomInt(10)}`;
    if (!taken(name)) return name;
  }
}

/** Checks a user-given container name and returns it without the leading slash. */
export function validateName(name: string): string {
  if (!VALID_NAME.test(name)) {
    throw new EngineError('INVALID_ARGUMENT', `Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
  return name.replace(/^\//, '');
}
