// The SigV4 credential scope of a request, for the API layer's routing. The code lives in
// src/auth/credential-scope.ts, where the authenticator (a domain module) uses it too.
export * from '../../auth/credential-scope.js';
