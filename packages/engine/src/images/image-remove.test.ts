import { describe, expect, it } from 'vitest';
import { ImageIndex, type Image } from './image-index.js';
import { planRemoval, repositoryOf } from './image-remove.js';

const hex = (c: string) => c.repeat(64);
const DIGEST = `sha256:${hex('d')}`;

function image(c: string): Image {
  return {
    id: `sha256:${hex(c)}`,
    config: { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } },
    configText: '{}',
    manifestDigest: null,
    layerBlobs: [],
    chainIds: [],
    size: 0,
    created: new Date(0),
  };
}

function indexWith(images: Image[], tags: Record<string, string>): ImageIndex {
  const index = new ImageIndex();
  for (const i of images) index.images.set(i.id, i);
  for (const [ref, id] of Object.entries(tags)) index.tags.set(ref, { imageId: id, updated: new Date(0) });
  return index;
}

const A = image('a');
const B = image('b');

describe('resolve', () => {
  it('finds by tag (latest by default), full ID, sha256: ID and unique prefix', () => {
    const index = indexWith([A, B], { 'app:latest': A.id, 'app:2': B.id });
    expect(index.resolve('app').id).toBe(A.id);
    expect(index.resolve('docker.io/library/app:2').id).toBe(B.id);
    expect(index.resolve(hex('a')).id).toBe(A.id);
    expect(index.resolve(`sha256:${hex('b')}`).id).toBe(B.id);
    expect(index.resolve('bbb').id).toBe(B.id);
    expect(index.resolve('sha256:a').id).toBe(A.id);
  });

  it('reports a missing image with dockerd wording', () => {
    const index = indexWith([A], {});
    expect(() => index.resolve('nope')).toThrow('No such image: nope:latest');
    expect(() => index.resolve('nope:1')).toThrow(expect.objectContaining({ code: 'NOT_FOUND', message: 'No such image: nope:1' }));
    expect(() => index.resolve(hex('c'))).toThrow(`No such image: sha256:${hex('c')}`);
  });

  it('treats an ambiguous ID prefix as not found, as dockerd does', () => {
    const A2 = { ...image('a'), id: `sha256:a${hex('b').slice(1)}` };
    const index = indexWith([A, A2], {});
    expect(() => index.resolve('a')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('refuses a malformed reference as INVALID_ARGUMENT', () => {
    expect(() => indexWith([], {}).resolve('Bad')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('planRemoval', () => {
  it('only untags while other tags remain', () => {
    const index = indexWith([A], { 'app:1': A.id, 'app:2': A.id });
    expect(planRemoval(index, 'app:2', false, [])).toEqual({ imageId: A.id, untag: ['app:2'], deleteImage: false });
  });

  it('untags and deletes on the last tag', () => {
    const index = indexWith([A], { 'app:1': A.id });
    expect(planRemoval(index, 'docker.io/library/app:1', false, [])).toEqual({ imageId: A.id, untag: ['app:1'], deleteImage: true });
  });

  it('refuses the last tag of an image a container uses, unless forced', () => {
    const index = indexWith([A], { 'demo-del:1': A.id });
    const users = [{ id: '81c3d15c5ba6' + '0'.repeat(52), running: false }];
    expect(() => planRemoval(index, 'demo-del:1', false, users)).toThrow(
      `conflict: unable to remove repository reference "demo-del:1" (must force) - container 81c3d15c5ba6 is using its referenced image ${hex('a').slice(0, 12)}`,
    );
    // Forced: untagged, but kept while the container needs it.
    expect(planRemoval(index, 'demo-del:1', true, users)).toEqual({ imageId: A.id, untag: ['demo-del:1'], deleteImage: false });
  });

  it('keeps a forced-untagged image a running container uses', () => {
    const index = indexWith([A], { 'app:1': A.id });
    expect(planRemoval(index, 'app:1', true, [{ id: hex('c'), running: true }])).toEqual({ imageId: A.id, untag: ['app:1'], deleteImage: false });
  });

  it('by ID: removes the image with its tags when they are in one repository', () => {
    const index = indexWith([A], { 'app:1': A.id, [`app@${DIGEST}`]: A.id });
    expect(planRemoval(index, hex('a').slice(0, 12), false, [])).toEqual({ imageId: A.id, untag: ['app:1', `app@${DIGEST}`], deleteImage: true });
  });

  it('by ID: needs force when tags span repositories', () => {
    const index = indexWith([A], { 'app:1': A.id, 'other:1': A.id });
    expect(() => planRemoval(index, hex('a'), false, [])).toThrow(
      `conflict: unable to delete ${hex('a').slice(0, 12)} (must be forced) - image is referenced in multiple repositories`,
    );
    expect(planRemoval(index, hex('a'), true, []).untag).toEqual(['app:1', 'other:1']);
  });

  it('by ID: refuses images containers use; running ones even with force', () => {
    const index = indexWith([A], {});
    expect(() => planRemoval(index, hex('a'), false, [{ id: hex('c'), running: false }])).toThrow(
      `(must be forced) - image is being used by stopped container ${hex('c').slice(0, 12)}`,
    );
    expect(planRemoval(index, hex('a'), true, [{ id: hex('c'), running: false }]).deleteImage).toBe(false);
    expect(() => planRemoval(index, hex('a'), true, [{ id: hex('c'), running: true }])).toThrow(
      `(cannot be forced) - image is being used by running container ${hex('c').slice(0, 12)}`,
    );
  });

  it('drops the digest references of a repository with its last tag', () => {
    const index = indexWith([A], { 'app:1': A.id, [`app@${DIGEST}`]: A.id, 'other:1': A.id });
    expect(planRemoval(index, 'app:1', false, [])).toEqual({ imageId: A.id, untag: ['app:1', `app@${DIGEST}`], deleteImage: false });
  });

  it('names repositories without tag or digest', () => {
    expect(repositoryOf('localhost:5000/app:1')).toBe('localhost:5000/app');
    expect(repositoryOf('localhost:5000/app')).toBe('localhost:5000/app');
    expect(repositoryOf(`app@${DIGEST}`)).toBe('app');
  });
});
