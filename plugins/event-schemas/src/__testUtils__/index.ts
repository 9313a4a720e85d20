export * from './fixtures';
export * from './renderWithApis';
