export { default } from '../../configs/vitest.shared.ts';
