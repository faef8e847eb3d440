import { z } from 'zod';

/** The variables of `npm start` and `npm run seed` (parsed with bot/config.ts's `parseEnv`). */
export const localEnv = {
  LOCAL_DATA_DIR: z.string().default('.local'),
  LOCAL_DYNAMODB_PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  SIMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  SIMULATOR_HOST: z.string().min(1).default('127.0.0.1'),
};

/** Where the simulator keeps its clock's time between runs, beside DynamoDB Local's data. */
export const clockFileName = 'simulator-clock.txt';
