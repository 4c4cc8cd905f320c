/** Signing users in through the Auth emulator's REST API, as the demo seed does. */

/**
 * A sign-in with an identity provider (`google.com`, `github.com`) whose claims the emulator
 * takes as given: the account chooser lists the user afterwards. With `idToken`, the provider is
 * linked to that user instead.
 */
export async function signInWithIdp(authHost: string, providerId: string, claims: object, idToken?: string) {
  const response = await fetch(
    `http://${authHost}/identitytoolkit.googleapis.com/v1/accounts:signInWithIdp?key=demo`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        postBody: `providerId=${providerId}&id_token=${encodeURIComponent(JSON.stringify(claims))}`,
        requestUri: 'http://localhost',
        returnSecureToken: true,
        ...(idToken === undefined ? {} : { idToken }),
      }),
    },
  );
  const body = (await response.json()) as {
    localId?: string;
    idToken?: string;
    error?: { message?: string };
  };
  if (!response.ok || body.localId === undefined || body.idToken === undefined) {
    throw new Error(
      `Auth emulator sign-in with ${providerId} failed: ${body.error?.message ?? response.status}`,
    );
  }
  return { uid: body.localId, idToken: body.idToken };
}
