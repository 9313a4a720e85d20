/**
 * Test utilities of the suite's packages: checks that a client's requests
 * are ones its OpenAPI document allows.
 *
 * @packageDocumentation
 */
export { checkRequest, type OpenApiDocument } from './checkRequest';
