export declare function inlineImages(
  html: string,
  attachments: { cid: string | null; contentType: string; base64: string }[],
): string;
export declare function listPage(
  messages: { id: number; at: number; subject: string | null; to: string[] }[],
  note?: string,
): string;
export declare function messagePage(m: {
  id: number;
  at: number;
  envelopeTo: string[];
  from: string | null;
  to: string[];
  subject: string | null;
  text: string | null;
  html: string | null;
  attachments: { cid: string | null; contentType: string; filename: string | null; related: boolean; base64: string }[];
}): string;
