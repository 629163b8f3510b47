/**
 * How the conductor reads and writes the engineer's files: through the editor, never around it.
 * Reading sees unsaved changes of an open document. Writing is a WorkspaceEdit, so it joins the
 * document's undo stack (Ctrl+Z takes an approval back out) and leaves the engineer's unsaved edits
 * alone: a document that was dirty stays dirty (with the hunk merged in), a clean one is saved.
 */
import * as vscode from 'vscode';
import type { FileContent } from '../stage/apply';

function uriOf(relPath: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error(vscode.l10n.t('No workspace folder is open.'));
  return vscode.Uri.joinPath(folder.uri, ...relPath.split('/'));
}

function openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
}

export async function readWorkspaceFile(relPath: string): Promise<FileContent> {
  const uri = uriOf(relPath);
  const open = openDocument(uri);
  if (open) return open.getText();
  try {
    const bytes = await vscode.workspace.fs.readFile(uri);
    return Buffer.from(bytes).toString('utf8');
  } catch (err) {
    if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') return null;
    throw err;
  }
}

export async function writeWorkspaceFile(relPath: string, content: FileContent): Promise<void> {
  const uri = uriOf(relPath);
  const edit = new vscode.WorkspaceEdit();
  if (content === null) {
    edit.deleteFile(uri, { ignoreIfNotExists: true, recursive: false });
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error(vscode.l10n.t('VS Code refused to delete {0}.', relPath));
    return;
  }
  if (Buffer.isBuffer(content)) {
    // A whole-file (binary) change has no text to edit: write the bytes.
    await vscode.workspace.fs.writeFile(uri, content);
    return;
  }
  let exists = true;
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    exists = false;
  }
  if (!exists) {
    edit.createFile(uri, { ignoreIfExists: false, contents: Buffer.from(content, 'utf8') });
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error(vscode.l10n.t('VS Code refused to create {0}.', relPath));
    return;
  }
  const doc = await vscode.workspace.openTextDocument(uri);
  const wasDirty = doc.isDirty;
  const whole = new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
  edit.replace(uri, whole, content);
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(vscode.l10n.t('VS Code refused to edit {0}.', relPath));
  if (!wasDirty) await doc.save();
}
