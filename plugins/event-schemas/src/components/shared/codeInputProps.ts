/** Input props for names, refs, codes and ids, which are not words to correct. */
export const CODE_INPUT_PROPS = {
  spellCheck: false,
  autoCapitalize: 'none',
  autoCorrect: 'off',
};
