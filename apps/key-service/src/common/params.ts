import { Param, PipeTransform } from '@nestjs/common';
import { idSchema } from '@sp/contracts';
import { validationError } from '@sp/platform';

/** Path ids (orgId, pageId, userId, keyId): 400 naming the parameter when malformed. */
class IdParamPipe implements PipeTransform<string, string> {
  constructor(private readonly name: string) {}
  transform(value: string): string {
    const parsed = idSchema.safeParse(value);
    if (!parsed.success) throw validationError([{ field: this.name, reason: parsed.error.issues[0].message }]);
    return parsed.data;
  }
}

export const IdParam = (name: string) => Param(name, new IdParamPipe(name));
