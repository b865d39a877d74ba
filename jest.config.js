/** Jest runs the TypeScript sources directly through ts-jest. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/bot', '<rootDir>/clients', '<rootDir>/services', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // the workspace packages, from their sources (as tsconfig.json's paths)
  moduleNameMapper: { '^@zenrelay/(protocol|runtime|sdk)$': '<rootDir>/clients/$1/index.ts' },
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/clients/[a-z]+/dist/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 60000,
};
