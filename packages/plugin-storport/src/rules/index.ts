import HwStorPortProhibitedDDIs from './HwStorPortProhibitedDDIs.js';
import SpNoWait from './SpNoWait.js';
import StorPortStartIo from './StorPortStartIo.js';

export const rules = {
  HwStorPortProhibitedDDIs,
  SpNoWait,
  StorPortStartIo,
};
