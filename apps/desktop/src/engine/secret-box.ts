/**
 * Where the refresh token's bytes come from. In Electron, main encrypts with `safeStorage` (OS
 * keychain, DPAPI, libsecret) on the engine's behalf; in the web shell there is no keychain and the
 * token is stored as plain bytes with `encrypted: false` (see docs/adr/0002).
 */
export interface Sealed {
  data: Buffer;
  encrypted: boolean;
}

export interface SecretBox {
  seal(plain: string): Promise<Sealed>;
  open(sealed: Sealed): Promise<string>;
}

export class SecretBoxError extends Error {
  override name = 'SecretBoxError';
}

/** The web shell's box: no encryption, and it refuses tokens some keychain encrypted. */
export const plainSecretBox: SecretBox = {
  async seal(plain) {
    return { data: Buffer.from(plain, 'utf8'), encrypted: false };
  },
  async open(sealed) {
    if (sealed.encrypted)
      throw new SecretBoxError('This token was encrypted by the desktop keychain');
    return sealed.data.toString('utf8');
  },
};

/** A box that asks someone else (Electron main over the parent port) to do the work. */
export function remoteSecretBox(
  request: (
    op: 'encrypt' | 'decrypt',
    value: string,
  ) => Promise<{ value: string; encrypted: boolean }>,
): SecretBox {
  return {
    async seal(plain) {
      const res = await request('encrypt', plain);
      return res.encrypted
        ? { data: Buffer.from(res.value, 'base64'), encrypted: true }
        : { data: Buffer.from(plain, 'utf8'), encrypted: false };
    },
    async open(sealed) {
      if (!sealed.encrypted) return sealed.data.toString('utf8');
      const res = await request('decrypt', sealed.data.toString('base64'));
      return res.value;
    },
  };
}
