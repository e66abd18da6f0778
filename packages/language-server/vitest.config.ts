import { defineProject, mergeConfig } from 'vitest/config';
import shared from '../../configs/vitest.shared.ts';

export default mergeConfig(shared, defineProject({ test: { name: 'language-server' } }));
