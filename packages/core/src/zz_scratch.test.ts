import { parseSource } from './frontend/parser.js';
import { blankAnnotations } from './frontend/annotations.js';
import { buildFileModel } from './model/file-model.js';
import { evaluateConstant } from './model/constants.js';
it('x', () => {
  const h = `#ifdef __cplusplus
extern "C" {
#endif

typedef struct _DEVICE_CONTEXT { ULONG Count; } DEVICE_CONTEXT, *PDEVICE_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(DEVICE_CONTEXT, DeviceGetContext)

EVT_WDF_DRIVER_DEVICE_ADD EvtDeviceAdd;
EVT_WDF_TIMER EvtTimer;

#ifdef __cplusplus
}
#endif
`;
  const b = blankAnnotations(h);
  console.log(JSON.stringify(b.annotations));
  const p = parseSource('a.h', h);
  console.log(p.root.toString());
  const m = buildFileModel(p);
  console.log(m.declarations.map(d => d.name + ':' + d.roleType));
  const b2 = blankAnnotations("#if 0\nit's off\n#define MY_IN _In_\n#endif\n");
  console.log(JSON.stringify(b2));
  console.log(evaluateConstant("'\\012'"), evaluateConstant("'\\101'"));
});
