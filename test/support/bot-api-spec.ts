// Bot API validation lives in simulator/bot-api/: the tests and `npm start`'s simulator share it.
export * from '../../simulator/bot-api/spec.js';
