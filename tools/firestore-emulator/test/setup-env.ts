import { inject } from 'vitest';

// firebase-admin reads this when a Firestore instance is created.
process.env['FIRESTORE_EMULATOR_HOST'] = inject('firestoreHost');
